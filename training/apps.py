from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from django.urls import include, path, reverse

        from governance import registry
        from governance.registry import AuditObjectType, NavItem
        from initiatives.preconditions import Requirement, approval_requirements
        from training import api, demo, evidence, selectors

        registry.urls.register("training", path("training/", include("training.urls")), order=80)
        registry.navigation.register("training", NavItem("training:list", _("Training")), order=80)
        for name, pattern in api.paths():
            registry.api_urls.register(name, pattern, order=80)
        # What is due shows in the inbox, and opens the course.
        registry.task_sources.register(selectors.DUE, selectors.training_due, order=200)
        registry.task_labels.register(selectors.DUE, _("Complete the training"), order=200)
        registry.object_urls.register(
            selectors.COURSE, lambda pk: reverse("training:detail", args=[pk]), order=80
        )
        registry.audit_object_types.register(
            selectors.COURSE,
            AuditObjectType(_("Course"), selectors.audit_links),
            order=80,
        )
        registry.demo_seeders.register("training", demo.seed_training, order=10)
        # Trained staff count as maturity evidence (registered on import);
        # a change to courses or attempts makes the assessment read afresh.
        assert evidence.KEY
        _invalidate_maturity_on_changes()
        # An approval requirement the stage can put in force (readiness).
        approval_requirements.register(
            "owner_trained",
            Requirement(
                key="owner_trained",
                label=_("The owner has completed the training required of them"),
                check=selectors.owner_trained,
            ),
            order=20,
        )


def _invalidate_maturity_on_changes() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from maturity.selectors import invalidate
    from training.models import Attempt, Course

    def changed(**kwargs: object) -> None:
        invalidate()

    for model in (Course, Attempt):
        post_save.connect(
            changed, sender=model, weak=False, dispatch_uid=f"training.{model.__name__}"
        )
        post_delete.connect(
            changed, sender=model, weak=False, dispatch_uid=f"training.{model.__name__}.delete"
        )
    m2m_changed.connect(
        changed,
        sender=Course.business_units.through,
        weak=False,
        dispatch_uid="training.course_units",
    )
