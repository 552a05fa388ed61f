"""The FHIR R4 API for care software at ``/fhir/r4`` (issue 12 item 2), SMART Backend Services.

- ``GET  /fhir/r4/metadata``: the CapabilityStatement, built from :data:`INTERACTIONS`, the
  same table the routes are built from (a test compares the two);
- ``GET  /fhir/r4/.well-known/smart-configuration``; ``POST /fhir/r4/auth/token``;
- ``GET  /fhir/r4/Patient?identifier=`` and ``POST /fhir/r4/Patient/_search``;
- ``POST /fhir/r4/<Type>`` (``If-None-Exist`` for a conditional create) and ``POST /fhir/r4``
  (a ``transaction`` or ``batch`` Bundle).

These routes never read a cookie: a bearer token from the token endpoint says which software
of which professional asks; the use cases (:mod:`mes_app.services.fhir_api`) apply the
professional's access policy. They are served without Reflex's CORS middleware and without
the same-origin check (machine clients send no ``Origin``; nothing here is ambient), behind
the same guard (body cap, security headers) and a rate limit per client address.
Errors are OperationOutcomes (OAuth errors at the token endpoint, as RFC 6749 says).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mes_app.domain import smart_backend as smart
from mes_app.domain.errors import Forbidden
from mes_app.domain.fhir_intake import CREATABLE, IntakeError
from mes_app.services import connected_software, fhir_api
from mes_app.settings import settings
from mes_app.storage import default_storage
from mes_app.web import db_work, rate_limit

log = logging.getLogger(__name__)

BASE = smart.FHIR_BASE_PATH
TOKEN_PATH = smart.TOKEN_PATH
FHIR_JSON = "application/fhir+json"
NO_STORE = {"Cache-Control": "no-store"}
TOKEN_FORM_BYTES = 32 * 1024
LIMITER = "fhir"
SECURITY_SERVICE = "http://terminology.hl7.org/CodeSystem/restful-security-service"

# What the server does, per resource type: the routes and the CapabilityStatement both come
# from here. Types absent from it answer 404 (not-supported).
INTERACTIONS: dict[str, tuple[str, ...]] = {
    "Patient": ("search-type",),
    **{resource_type: ("create",) for resource_type in CREATABLE},
}
SEARCH_PARAMS = {"Patient": (("identifier", "token"),)}
CONDITIONAL_CREATE = frozenset(CREATABLE)
SYSTEM_INTERACTIONS = ("transaction", "batch")


def body_limit() -> int:
    """A DocumentReference (or a lab Bundle's DiagnosticReport) carries its file in base64
    (4/3 larger) plus its JSON."""
    return settings.max_upload_bytes * 4 // 3 + 256 * 1024


def base_url() -> str:
    return settings.app_origin.rstrip("/") + BASE


def token_url() -> str:
    return settings.app_origin.rstrip("/") + TOKEN_PATH


def _now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- answers


def _issue(code: str, diagnostics: str, expression: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression:
        body["expression"] = [expression]
    return body


def outcome(status: int, issue: str, diagnostics: str, expression: str = "", headers: dict | None = None) -> Response:
    body = _issue(issue, diagnostics, expression)
    return JSONResponse({"resourceType": "OperationOutcome", "issue": [body]}, status_code=status,
                        media_type=FHIR_JSON, headers={**NO_STORE, **(headers or {})})


def _refused(error: IntakeError) -> Response:
    return outcome(error.status, error.issue, error.diagnostics, error.expression)


def _unauthorized() -> Response:
    return outcome(401, "login", "a valid bearer access token is required",
                   headers={"WWW-Authenticate": 'Bearer realm="fhir", error="invalid_token"'})


def _fhir(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON, headers={**NO_STORE, **(headers or {})})


async def _limited(request: Request) -> Response | None:
    refusal = await rate_limit.check(LIMITER, rate_limit.request_client(request))
    if refusal is None:
        return None
    return outcome(429, "throttled", "too many requests", headers={"Retry-After": str(refusal.retry_after_seconds)})


# --------------------------------------------------------------------------- discovery


def capability_statement() -> dict:
    resources = []
    for resource_type, interactions in INTERACTIONS.items():
        item: dict[str, Any] = {"type": resource_type, "interaction": [{"code": code} for code in interactions]}
        if resource_type in CONDITIONAL_CREATE:
            item["conditionalCreate"] = True
        if resource_type in SEARCH_PARAMS:
            item["searchParam"] = [{"name": n, "type": t} for n, t in SEARCH_PARAMS[resource_type]]
        resources.append(item)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-03",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": [FHIR_JSON],
        "software": {"name": "MES"},
        "implementation": {"description": "MES FHIR API for care software", "url": base_url()},
        "rest": [{
            "mode": "server",
            "security": {"service": [{"coding": [{"system": SECURITY_SERVICE, "code": "SMART-on-FHIR"}]}]},
            "resource": resources,
            "interaction": [{"code": code} for code in SYSTEM_INTERACTIONS],
        }],
    }


def supported_scopes() -> list[str]:
    scopes = []
    for resource_type, permissions in fhir_api.SUPPORTED.items():
        scopes.append(f"system/{resource_type}.{''.join(p for p in 'cruds' if p in permissions)}")
    return scopes


async def metadata(request: Request) -> Response:
    return _fhir(capability_statement())


async def smart_configuration(request: Request) -> Response:
    return JSONResponse({
        "token_endpoint": token_url(),
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": list(smart.ALGORITHMS),
        "scopes_supported": supported_scopes(),
        "capabilities": ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
    }, headers=NO_STORE)


# --------------------------------------------------------------------------- token


def _oauth_error(error: str, status: int) -> Response:
    headers = {**NO_STORE, "Pragma": "no-cache"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return JSONResponse({"error": error}, status_code=status, headers=headers)


async def token(request: Request) -> Response:
    if (limited := await _limited(request)) is not None:
        return limited
    if not (request.headers.get("content-type") or "").startswith("application/x-www-form-urlencoded"):
        return _oauth_error("invalid_request", 400)
    raw = await request.body()
    if len(raw) > TOKEN_FORM_BYTES:
        return _oauth_error("invalid_request", 400)
    form = await request.form(max_files=0, max_fields=10)
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        answer = await db_work.in_session(connected_software.issue_token, fields, token_url=token_url(),
                                          supported=fhir_api.SUPPORTED, now=_now())
    except connected_software.OAuthError as refused:
        return _oauth_error(refused.error, refused.status)
    return JSONResponse(answer, headers={**NO_STORE, "Pragma": "no-cache"})


# --------------------------------------------------------------------------- resources


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization") or ""
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def _json_body(request: Request) -> Any:
    kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if kind not in (FHIR_JSON, "application/json"):
        raise IntakeError(415, "not-supported", "send application/fhir+json")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > body_limit():
        raise IntakeError(413, "too-costly", "the request is too large")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > body_limit():
            raise IntakeError(413, "too-costly", "the request is too large")
    try:
        return json.loads(bytes(raw))
    except ValueError:
        raise IntakeError(400, "structure", "the body is not JSON") from None


def _context(caller: connected_software.Caller) -> fhir_api.Context:
    return fhir_api.Context(caller=caller, now=_now(), storage=default_storage(), max_bytes=settings.max_upload_bytes)


async def search_patient(request: Request) -> Response:
    if (limited := await _limited(request)) is not None:
        return limited
    if request.method == "POST":
        form = await request.form(max_files=0, max_fields=10)
        identifier = form.get("identifier")
    else:
        identifier = request.query_params.get("identifier")

    def use(session: Session, caller: connected_software.Caller) -> Response:
        try:
            found = fhir_api.search_patients(session, caller, identifier, now=_now())
        except Forbidden:
            return outcome(403, "forbidden", "the token's scopes do not allow this search")
        return _fhir({"resourceType": "Bundle", "type": "searchset", "total": len(found),
                      "entry": [{"fullUrl": f"{base_url()}/Patient/{p['id']}", "resource": p,
                                 "search": {"mode": "match"}} for p in found]})

    return await _as_caller(request, use)


async def _read(request: Request) -> tuple[Any, Response | None]:
    """The JSON body, or the answer that refuses it."""
    try:
        return await _json_body(request), None
    except IntakeError as refused:
        return None, _refused(refused)
    except ClientDisconnect:
        return None, outcome(400, "incomplete", "the request was interrupted")


async def _as_caller(request: Request, use: Callable[[Session, connected_software.Caller], Response]) -> Response:
    """Run ``use`` for the software behind the bearer token (checked now), in a worker thread
    (always: a Bundle's parsing and its documents are CPU as much as database work)."""
    bearer = _bearer(request)

    def work(session: Session) -> Response:
        caller = connected_software.caller_for_token(session, bearer, now=_now())
        if caller is None:
            return _unauthorized()
        try:
            return use(session, caller)
        except IntakeError as refused:
            return _refused(refused)
        except OSError as error:  # the document store is full or unreachable: nothing was kept
            log.warning("document store refused a write (%s)", type(error).__name__)
            return outcome(503, "transient", "the document store could not save the file")

    return await db_work.slow_in_session(work)


async def create(request: Request) -> Response:
    resource_type = request.path_params.get("resource_type", "")
    if "create" not in INTERACTIONS.get(resource_type, ()):
        return outcome(404, "not-supported", "unknown or unsupported resource type")
    if (limited := await _limited(request)) is not None:
        return limited
    body, refusal = await _read(request)
    if refusal is not None:
        return refusal
    if isinstance(body, dict) and body.get("resourceType") != resource_type:
        return outcome(400, "invalid", "resourceType must match the URL", "resourceType")
    if_none_exist = request.headers.get("if-none-exist")

    def use(session: Session, caller: connected_software.Caller) -> Response:
        done = fhir_api.create(session, _context(caller), body, if_none_exist=if_none_exist)
        location = f"{base_url()}/{done.resource_type}/{done.id}/_history/1"
        return _fhir(outcome_ok(done), done.status, {"Location": location, "ETag": 'W/"1"'})

    return await _as_caller(request, use)


def outcome_ok(done: fhir_api.Created) -> dict:
    text = "created" if done.status == 201 else "already there: nothing created"
    return {"resourceType": "OperationOutcome", "issue": [{"severity": "information", "code": "informational",
                                                          "diagnostics": f"{done.resource_type}/{done.id} {text}"}]}


def _response_entry(result: fhir_api.EntryResult) -> dict:
    response: dict[str, Any] = {"status": result.status}
    if result.location:
        response |= {"location": result.location, "etag": 'W/"1"'}
    if result.outcome is not None:
        found = result.outcome
        response["outcome"] = {"resourceType": "OperationOutcome",
                               "issue": [_issue(found.issue, found.diagnostics, found.expression)]}
    return {"response": response}


async def bundle(request: Request) -> Response:
    if (limited := await _limited(request)) is not None:
        return limited
    body, refusal = await _read(request)
    if refusal is not None:
        return refusal
    kind = body.get("type") if isinstance(body, dict) and body.get("resourceType") == "Bundle" else None
    if kind not in ("transaction", "batch"):
        return outcome(400, "structure", "a transaction or batch Bundle is expected", "Bundle.type")

    def use(session: Session, caller: connected_software.Caller) -> Response:
        run = fhir_api.transaction if kind == "transaction" else fhir_api.batch
        results = run(session, _context(caller), body)
        return _fhir({"resourceType": "Bundle", "type": f"{kind}-response",
                      "entry": [_response_entry(result) for result in results]})

    return await _as_caller(request, use)


async def unknown(request: Request) -> Response:
    return outcome(404, "not-supported", "no such FHIR endpoint")


def routes() -> list[Route]:
    """Every FHIR route; the resource routes follow :data:`INTERACTIONS`."""
    found = [
        Route(BASE + "/metadata", metadata, methods=["GET"]),
        Route(BASE + "/.well-known/smart-configuration", smart_configuration, methods=["GET"]),
        Route(TOKEN_PATH, token, methods=["POST"]),
        Route(BASE, bundle, methods=["POST"]),
    ]
    for resource_type, interactions in INTERACTIONS.items():
        if "search-type" in interactions:
            found.append(Route(f"{BASE}/{resource_type}", search_patient, methods=["GET"]))
            found.append(Route(f"{BASE}/{resource_type}/_search", search_patient, methods=["POST"]))
    found.append(Route(BASE + "/{resource_type}", create, methods=["POST"]))
    found.append(Route(BASE + "/{path:path}", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]))
    return found
