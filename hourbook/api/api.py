"""The HTTP API, version 1 (issue 14): read people, units and yearly status with an integration token.

Every read goes through the selectors the pages use: the people's standing (`EmployeeQuerySet.with_standing`),
a person's year (`ledger.engine.employee_year`, as `manage.py explain_hours`), a unit's year
(`reports.selectors.report_overview`, as the unit report). A token reaches only its unit tree; anything outside it
does not exist for the token (404, never 403). Errors are RFC 9457 `application/problem+json`.
"""

import base64
import binascii
import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from hourbook.common.dates import today
from hourbook.ledger.engine import employee_year, employee_year_json
from hourbook.org.models import Employee, Unit, UnitMembership
from hourbook.reports.selectors import ReportScope, report_overview

from .auth import RateLimited, TokenAuth
from .models import ApiToken, Permission

MSG_UNAUTHORIZED = gettext_lazy("令牌无效、已过期或已吊销")
MSG_FORBIDDEN = gettext_lazy("该令牌没有此项权限：%(permission)s")
MSG_NOT_FOUND = gettext_lazy("未找到，或不在该令牌的授权范围内")
MSG_INVALID = gettext_lazy("请求参数有误")
MSG_BAD_CURSOR = gettext_lazy("分页游标无效")
MSG_RATE_LIMITED = gettext_lazy("请求过于频繁，请%(seconds)s秒后重试")
MSG_BAD_YEAR = gettext_lazy("年度须在2000年与今年之间")
MAX_LIMIT = 500
PROBLEM = "application/problem+json"

api = NinjaAPI(
    title="Hourbook API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    description=__doc__,
)


class Forbidden(Exception):
    def __init__(self, permission: str):
        self.permission = permission


class BadRequest(Exception):
    def __init__(self, field: str, detail):
        self.field, self.detail = field, detail


def problem(status: int, title: str, detail="", **extra) -> JsonResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": str(detail), **extra}
    return JsonResponse(body, status=status, content_type=PROBLEM, json_dumps_params={"ensure_ascii": False})


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    response = problem(401, "Unauthorized", MSG_UNAUTHORIZED)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    response = problem(429, "Too Many Requests", MSG_RATE_LIMITED % {"seconds": exc.retry_after})
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Forbidden)
def _forbidden(request, exc):
    return problem(
        403, "Forbidden", MSG_FORBIDDEN % {"permission": exc.permission}, permission=exc.permission
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, "Not Found", MSG_NOT_FOUND)


@api.exception_handler(BadRequest)
def _bad_request(request, exc):
    return problem(400, "Bad Request", exc.detail, errors=[{"field": exc.field, "message": str(exc.detail)}])


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    errors = [
        {"field": ".".join(str(part) for part in error.get("loc", ())[1:]), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return problem(422, "Unprocessable Content", MSG_INVALID, errors=errors)


def _token(request) -> ApiToken:
    return request.auth


def _require(request, permission: str) -> ApiToken:
    token = _token(request)
    if not token.has(permission):
        raise Forbidden(permission)
    return token


def _units_of(token: ApiToken):
    return Unit.objects.subtree(token.unit)


def _unit_in_scope(token: ApiToken, code: str) -> Unit:
    unit = _units_of(token).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def _year(year: int) -> int:
    if not 2000 <= year <= today().year:
        raise BadRequest("year", _(MSG_BAD_YEAR))
    return year


def _encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _sep, value = raw.partition(":")
        if kind != "id":
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest("cursor", _(MSG_BAD_CURSOR)) from None


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str


class PageQuery(Schema):
    cursor: str | None = None
    limit: int = 100


def _page(qs, page: PageQuery):
    limit = max(1, min(page.limit, MAX_LIMIT))
    if page.cursor:
        qs = qs.filter(pk__gt=_decode_cursor(page.cursor))
    rows = list(qs.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_encode_cursor(rows[-1].pk) if more else None)


# ---- units ----


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None
    depth: int


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: str | None


def _unit_out(unit: Unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent_code": unit.parent.code if unit.parent_id else None,
        "depth": unit.depth,
    }


ERRORS = {401: ProblemOut, 403: ProblemOut, 429: ProblemOut}
ERRORS_404 = {**ERRORS, 404: ProblemOut}


@api.get("/units", response={200: UnitPage, **ERRORS}, url_name="units", tags=["units"])
def list_units(request, page: Query[PageQuery]):
    """The units of the token's tree (the token's unit and all below it)."""
    token = _require(request, Permission.READ_PEOPLE)
    rows, cursor = _page(_units_of(token).select_related("parent"), page)
    return {"items": [_unit_out(u) for u in rows], "next_cursor": cursor}


# ---- people ----


class PersonOut(Schema):
    arp: str
    name: str
    unit_code: str
    level: str
    is_registered: bool
    is_active: bool
    left_on: dt.date | None


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


class PeopleFilter(Schema):
    unit: str | None = None
    changed_since: dt.datetime | None = None


def _people_of(token: ApiToken):
    """People whose current unit lies in the token's tree, with their level today (the pages' standing)."""
    return (
        Employee.objects.filter(unit__path__startswith=token.unit.path)
        .with_standing(today().year)
        .select_related("unit")
    )


def _person_out(person) -> dict:
    return {
        "arp": person.arp,
        "name": person.name,
        "unit_code": person.unit.code,
        "level": person.level_at,
        "is_registered": person.is_registered,
        "is_active": person.is_active,
        "left_on": person.left_on,
    }


def _changed_since(since: dt.datetime) -> Q:
    """Created since, or moved to another unit since (a membership written since). Position-level entries
    carry no write time (`org.PositionHistory`), so a level change alone is not caught yet."""
    return Q(created_at__gte=since) | Exists(
        UnitMembership.objects.filter(employee=OuterRef("pk"), created_at__gte=since)
    )


@api.get("/people", response={200: PersonPage, **ERRORS_404}, url_name="people", tags=["people"])
def list_people(request, filters: Query[PeopleFilter], page: Query[PageQuery]):
    """People of the token's tree; `unit` narrows to a unit code's tree, `changed_since` to recent changes."""
    token = _require(request, Permission.READ_PEOPLE)
    qs = _people_of(token)
    if filters.unit:
        qs = qs.filter(unit__path__startswith=_unit_in_scope(token, filters.unit).path)
    if filters.changed_since:
        qs = qs.filter(_changed_since(filters.changed_since))
    rows, cursor = _page(qs, page)
    return {"items": [_person_out(p) for p in rows], "next_cursor": cursor}


def _person_in_scope(token: ApiToken, arp: str):
    person = _people_of(token).filter(arp=arp).first()
    if person is None:
        raise Http404
    return person


def _person_in_year_scope(token: ApiToken, arp: str, year: int):
    """A person of the token's tree now, or in the year (their unit on its reference day, as the unit report
    counts them: DOMAIN.md, a move keeps the old unit's past figures)."""
    person = Employee.objects.filter(arp=arp).with_standing(year).select_related("unit").first()
    if person is None:
        raise Http404
    units = _units_of(token)
    if not (person.unit.is_within(token.unit) or units.filter(pk=person.unit_at).exists()):
        raise Http404
    return person


@api.get("/people/{arp}", response={200: PersonOut, **ERRORS_404}, url_name="person", tags=["people"])
def get_person(request, arp: str):
    token = _require(request, Permission.READ_PEOPLE)
    return _person_out(_person_in_scope(token, arp))


# ---- yearly status ----


class BucketOut(Schema):
    effective_hours: float
    total_hours: float
    required_hours: float | None
    pending_hours: float
    missing_hours: float
    met: bool | None


class CategoryOut(Schema):
    count: int
    total_hours: float
    effective_hours: float
    capped_hours: float
    pending_hours: float
    pending_count: int
    cap_hours: float | None


class PersonYearOut(Schema):
    """`ledger.engine.employee_year_json`: what `manage.py explain_hours ARP YEAR` prints."""

    arp: str
    name: str
    year: int
    unit: str
    level: str
    registered: bool
    training: BucketOut
    online: BucketOut
    total_hours: float
    met: bool | None
    categories: dict[str, CategoryOut]


@api.get(
    "/people/{arp}/years/{year}",
    response={200: PersonYearOut, 400: ProblemOut, **ERRORS_404},
    url_name="person_year",
    tags=["status"],
)
def person_year(request, arp: str, year: int):
    """A person's year: the figures of `manage.py explain_hours` (buckets, categories, caps, pending, 达标)."""
    token = _require(request, Permission.READ_STATUS)
    person = _person_in_year_scope(token, arp, _year(year))
    return employee_year_json(employee_year(person, year))


class CompletionOut(Schema):
    unit_code: str | None
    label: str
    counted: int
    met: int
    unmet: int
    left: int
    other: int
    rate: float | None


class UnitYearOut(Schema):
    unit_code: str
    year: int
    total: CompletionOut
    children: list[CompletionOut]
    histogram: list[int]
    histogram_labels: list[str]


def _completion_out(completion) -> dict:
    return {
        "unit_code": completion.unit.code if completion.unit else None,
        "label": str(completion.label),
        "counted": completion.counted,
        "met": completion.met,
        "unmet": completion.unmet,
        "left": completion.left,
        "other": completion.other,
        "rate": completion.rate,
    }


@api.get(
    "/units/{code}/years/{year}",
    response={200: UnitYearOut, 400: ProblemOut, **ERRORS_404},
    url_name="unit_year",
    tags=["status"],
)
def unit_year(request, code: str, year: int):
    """A unit tree's year: the unit report's completion per sub-unit and histogram (the same selectors)."""
    token = _require(request, Permission.READ_STATUS)
    unit = _unit_in_scope(token, code)
    overview = report_overview(ReportScope.build(year=_year(year), unit=unit), own_label=_("本级"))
    return {
        "unit_code": unit.code,
        "year": year,
        "total": _completion_out(overview.total),
        "children": [_completion_out(c) for c in overview.children],
        "histogram": overview.histogram,
        "histogram_labels": overview.histogram_labels,
    }
