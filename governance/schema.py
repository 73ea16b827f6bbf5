"""The OpenAPI schema's shared part: the error answers every operation can
give, declared once (DRF's settings name this module; it cannot live in
governance.api, which those settings import first)."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A 400 names each invalid field with its messages; a request-wide problem
# comes under `detail` or `non_field_errors`.
_INVALID = {"type": "object", "additionalProperties": True}
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _error(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class ApiSchema(AutoSchema):
    """The OpenAPI schema of every operation, with the error answers the shared
    exception handler gives declared once, here, instead of on each view:
    401 and 403 wherever a sign-in is required, 404 for an object or page the
    caller cannot see, 400 for invalid input (a body, a filter or a page
    size), and 409, 413 and 415 for every write."""

    def get_auth(self) -> list[dict[str, Any]]:
        auths: list[dict[str, Any]] = super().get_auth()
        # Anyone may call a public operation (the token login): no credentials needed.
        if self._public() and {} not in auths:
            auths.append({})
        return auths

    def _public(self) -> bool:
        return all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, answer in self._error_answers().items():
            responses.setdefault(code, answer)
        return responses

    def _error_answers(self) -> dict[str, dict[str, Any]]:
        answers: dict[str, dict[str, Any]] = {}
        public = self._public()
        writes = self.method in _UNSAFE
        takes_input = writes or bool(self._get_parameters())
        if takes_input:
            answers["400"] = _error("Invalid input, by field.", _INVALID)
        if not public:
            answers["401"] = _error("Not signed in, or the token is not valid.", _DETAIL)
            answers["403"] = _error("Signed in, but not allowed to do this.", _DETAIL)
        if "{" in self.path or takes_input:
            answers["404"] = _error("Not found, or not visible to the caller.", _DETAIL)
        if writes:
            answers["409"] = _error(
                "Not allowed from the current state, a lost race, or something to do first "
                "(named in further fields, such as `policies_to_acknowledge`).",
                _DETAIL,
            )
            answers["413"] = _error("The request body is too large.", _DETAIL)
            answers["415"] = _error("The request body's media type is not accepted.", _DETAIL)
        if public and writes:
            # A public write is a sign-in: refused when the account's role needs MFA first.
            answers["403"] = _error("Signed in, but not allowed to do this.", _DETAIL)
        # Throttled (REST_FRAMEWORK throttle rates), or sign-in locked out for a while.
        answers["429"] = _error("Too many requests: wait as Retry-After says.", _DETAIL)
        return answers
