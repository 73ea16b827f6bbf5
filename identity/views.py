"""Pages: your API tokens, the CoE lead's group-to-role mapping, and the
answer to a locked-out sign-in."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from governance.errors import Conflict
from governance.requests import signed_in_user
from identity import selectors, services
from identity.forms import RoleMappingForm, TokenForm
from identity.models import ApiToken, RoleMapping


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """429 for a sign-in refused by the lockout (django-axes): JSON for the
    API, the sign-in page's message otherwise."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = gettext(
        "Too many failed sign-ins for this account or from this address. "
        "Try again in %(minutes)s minutes."
    ) % {"minutes": minutes}
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "identity/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = retry_after
    return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; a new one is shown once, right after it is made."""
    user = signed_in_user(request)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        session_expiry = request.session.get_expiry_date() if _signed_in_by_sso(user) else None
        try:
            instance, new_token = services.api_token_create(
                actor=user, name=form.cleaned_data["name"], session_expiry=session_expiry
            )
        except Conflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("Token “%(name)s” created.") % {"name": instance.name}
            )
            form = TokenForm()
    live = selectors.live_tokens(user=user)
    return render(
        request,
        "identity/token_list.html",
        {"tokens": live, "form": form, "new_token": new_token},
        status=400 if form.errors else 200,
    )


def _signed_in_by_sso(user: Any) -> bool:
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.filter(user=user).exists()


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_key: str) -> HttpResponse:
    user = signed_in_user(request)
    token = ApiToken.objects.filter(user=user, token_key=token_key).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=user, token=token)
    messages.success(request, gettext("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("identity:tokens")


@login_required
def role_mappings(request: HttpRequest) -> HttpResponse:
    """The mapping from the provider's groups to roles: the CoE lead's (403 for others)."""
    user = signed_in_user(request)
    if not services.may_edit_role_mappings(user):
        raise PermissionDenied
    form = RoleMappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_mapping_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Mapping added."))
            return redirect("identity:role-mappings")
    mappings = selectors.role_mappings()
    return render(
        request,
        "identity/rolemapping_list.html",
        {"mappings": mappings, "form": form, "sso_enabled": bool(settings.OIDC_ISSUER)},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def role_mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    if not services.may_edit_role_mappings(user):
        raise PermissionDenied
    mapping = RoleMapping.objects.filter(pk=pk).first()
    if mapping is None:
        raise Http404
    services.role_mapping_delete(actor=user, mapping=mapping)
    messages.success(request, gettext("Mapping removed."))
    return redirect("identity:role-mappings")
