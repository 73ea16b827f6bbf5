from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = "Initiatives"

    def ready(self) -> None:
        from governance import access
        from initiatives.models import Initiative, InitiativeUserObjectPermission

        # An owner works on their initiative while they work in its unit.
        access.register_unit_object_role(
            access.UnitObjectRole(
                role=access.Role.OWNER,
                model=Initiative,
                holder_field="owner",
                unit_field="business_unit",
                requires=access.PROPOSE,
                permissions=InitiativeUserObjectPermission,
            )
        )
