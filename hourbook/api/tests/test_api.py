"""The HTTP API v1 (issue 14): integration tokens, people and units, yearly status."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hourbook.api.api import api
from hourbook.api.models import ApiToken, Permission, hash_secret
from hourbook.api.services import create_token, revoke_token
from hourbook.audit.models import AuditEntry
from hourbook.ledger.choices import Category
from hourbook.ledger.engine import employee_year, employee_year_json
from hourbook.org.models import Employee
from hourbook.testing.factories import EmployeeFactory, RecordFactory

pytestmark = pytest.mark.django_db
ALL = list(Permission.values)
YEAR = dt.date.today().year


def _token(cast, unit="unit", permissions=ALL, **kwargs):
    token, secret = create_token(
        actor=cast.academy, name="HR系统", unit=cast.units[unit], permissions=permissions, **kwargs
    )
    return token, secret


def _get(client, url, secret=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return client.get(url, params, **headers)


# For every token-authenticated URL: its kwargs (cast -> inside the token's tree of 物理研究所, and outside it),
# and the permission it needs. `test_every_api_url_has_a_token_matrix` fails when a URL is missing here.
TOKEN_CASES = {
    "api-v1:units": (lambda c: {}, None, Permission.READ_PEOPLE),
    "api-v1:people": (lambda c: {}, None, Permission.READ_PEOPLE),
    "api-v1:person": (
        lambda c: {"arp": c.employee.employee.arp},
        lambda c: {"arp": c.outsider.employee.arp},
        Permission.READ_PEOPLE,
    ),
    "api-v1:person_year": (
        lambda c: {"arp": c.employee.employee.arp, "year": YEAR},
        lambda c: {"arp": c.outsider.employee.arp, "year": YEAR},
        Permission.READ_STATUS,
    ),
    "api-v1:unit_year": (
        lambda c: {"code": "IOP", "year": YEAR},
        lambda c: {"code": "ICCAS", "year": YEAR},
        Permission.READ_STATUS,
    ),
}


def test_every_api_url_has_a_token_matrix():
    from hourbook.testing.access import EXEMPT
    from hourbook.tests.test_access_matrix import _names  # noqa: F401  (loads every access module)

    token_urls = {name for name, reason in EXEMPT.items() if reason.startswith("token-authenticated")}
    assert token_urls == set(TOKEN_CASES)


@pytest.mark.parametrize("name", sorted(TOKEN_CASES))
def test_token_matrix(name, cast, client):
    inside, outside, permission = TOKEN_CASES[name]
    url = reverse(name, kwargs=inside(cast))
    _, good = _token(cast, permissions=[permission])
    response = _get(client, url, good)
    assert response.status_code == 200, response.content

    assert _get(client, url).status_code == 401
    assert _get(client, url, "hb_not-a-token").status_code == 401
    revoked, secret = _token(cast, permissions=[permission])
    revoke_token(actor=cast.academy, token=revoked)
    response = _get(client, url, secret)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    _, expired = _token(cast, permissions=[permission], expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _get(client, url, expired).status_code == 401

    others = [p for p in ALL if p != permission]
    _, lacking = _token(cast, permissions=others)
    response = _get(client, url, lacking)
    assert response.status_code == 403 and response.json()["permission"] == permission

    if outside is not None:
        response = _get(client, reverse(name, kwargs=outside(cast)), good)
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_token_is_stored_hashed_and_records_last_use(cast, client):
    token, secret = _token(cast)
    assert token.secret_hash == hash_secret(secret) and secret not in token.secret_hash
    assert token.last_used_at is None
    assert _get(client, reverse("api-v1:units"), secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEntry.objects.filter(action="api.token_create", object_id=str(token.pk)).exists()
    from hourbook.audit.forms import action_label

    assert (
        action_label("api.token_create") == "创建接口令牌"
        and action_label("api.token_revoke") == "吊销接口令牌"
    )


def test_only_the_academy_admin_manages_tokens(cast):
    with pytest.raises(PermissionDenied):
        create_token(actor=cast.hr, name="x", unit=cast.units["unit"], permissions=ALL)
    token, _ = _token(cast)
    with pytest.raises(PermissionDenied):
        revoke_token(actor=cast.hr, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_management_command_prints_a_working_secret(cast, client):
    out = StringIO()
    call_command("api_token_create", "学习平台", "IOP", "--perm", "read_people", "--days", "30", stdout=out)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(secret_hash=hash_secret(secret))
    assert token.unit.code == "IOP" and token.permissions == ["read_people"] and token.expires_at
    assert _get(client, reverse("api-v1:units"), secret).status_code == 200


def test_units_are_the_tokens_tree(cast, client):
    _, secret = _token(cast)
    codes = [u["code"] for u in _get(client, reverse("api-v1:units"), secret).json()["items"]]
    assert sorted(codes) == ["IOP", "IOP-HR"]


def test_people_of_another_tree_are_neither_listed_nor_reachable(cast, client):
    _, secret = _token(cast)
    arps = {p["arp"] for p in _get(client, reverse("api-v1:people"), secret).json()["items"]}
    inside = set(
        Employee.objects.filter(unit__path__startswith=cast.units["unit"].path).values_list("arp", flat=True)
    )
    assert arps == inside and cast.outsider.employee.arp not in arps
    # Filtering by a unit outside the tree does not reveal it exists: the same 404 as an unknown code.
    assert _get(client, reverse("api-v1:people"), secret, unit="ICCAS").status_code == 404
    assert _get(client, reverse("api-v1:people"), secret, unit="NOPE").status_code == 404
    sub = _get(client, reverse("api-v1:people"), secret, unit="IOP-HR").json()["items"]
    assert [p["arp"] for p in sub] == [cast.colleague.employee.arp]


def test_people_cursor_pages_through_everyone_once(cast, client):
    for _ in range(5):
        EmployeeFactory(unit=cast.units["unit"])
    _, secret = _token(cast)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = _get(client, reverse("api-v1:people"), secret, **params).json()
        assert len(body["items"]) <= 2
        seen += [p["arp"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    expected = Employee.objects.filter(unit__path__startswith=cast.units["unit"].path).count()
    assert len(seen) == len(set(seen)) == expected
    response = _get(client, reverse("api-v1:people"), secret, cursor="!!bad")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "cursor"


def test_people_changed_since(cast, client, time_machine):
    _, secret = _token(cast)
    time_machine.move_to(timezone.now() + dt.timedelta(days=2))
    since = timezone.now() - dt.timedelta(days=1)
    new = EmployeeFactory(unit=cast.units["dept"])
    body = _get(client, reverse("api-v1:people"), secret, changed_since=since.isoformat()).json()
    assert [p["arp"] for p in body["items"]] == [new.arp]


def test_bad_parameter_is_a_problem_with_the_field(cast, client):
    _, secret = _token(cast)
    response = _get(client, reverse("api-v1:people"), secret, changed_since="yesterday")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "changed_since"


def test_person_year_is_explain_hours(cast, client):
    employee = cast.employee.employee
    for i in range(3):  # 15 hours of self-study, capped at 10 (第九条五)
        RecordFactory(employee=employee, category=Category.SELF_STUDY, name=f"读书{i}", seconds=5 * 3600)
    _, secret = _token(cast)
    url = reverse("api-v1:person_year", kwargs={"arp": employee.arp, "year": YEAR})
    body = _get(client, url, secret).json()
    assert body == json.loads(json.dumps(employee_year_json(employee_year(employee, YEAR))))
    assert body["categories"]["self_study"]["effective_hours"] == 10.0
    future = reverse("api-v1:person_year", kwargs={"arp": employee.arp, "year": YEAR + 1})
    assert _get(client, future, secret).status_code == 400


def test_unit_year_is_the_unit_reports_overview(cast, client):
    _, secret = _token(cast, unit="parent")
    url = reverse("api-v1:unit_year", kwargs={"code": "IOP", "year": YEAR})
    body = _get(client, url, secret).json()
    people = Employee.objects.filter(
        unit__path__startswith=cast.units["unit"].path, is_registered=True
    ).count()
    assert body["total"]["counted"] == people and body["total"]["met"] == 0
    assert [c["unit_code"] for c in body["children"]] == [None, "IOP-HR"]
    assert len(body["histogram"]) == len(body["histogram_labels"])


def test_schema_and_docs(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/people/{arp}/years/{year}" in schema["paths"]
    assert schema["components"]["securitySchemes"]
    assert client.get("/api/docs").status_code == 302
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn.jsdelivr" not in page  # no CDN needed
    assert api.urls_namespace == "api-v1"


def test_token_page_creates_shows_the_secret_once_and_revokes(cast, client):
    client.force_login(cast.academy)
    data = {"name": "学习平台", "unit": "IOP", "permissions": ["read_people", "read_status"]}
    response = client.post(reverse("api:tokens"), data)
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get(secret_hash=hash_secret(secret))
    assert token.created_by == cast.academy and token.permissions == ["read_people", "read_status"]
    assert secret in response.content.decode()
    assert secret not in client.get(reverse("api:tokens")).content.decode()
    assert _get(client, reverse("api-v1:units"), secret).status_code == 200
    client.post(reverse("api:token_revoke", kwargs={"pk": token.pk}))
    assert _get(client, reverse("api-v1:units"), secret).status_code == 401


def test_token_page_names_the_wrong_field(cast, client):
    client.force_login(cast.academy)
    response = client.post(reverse("api:tokens"), {"name": "x", "unit": "NOPE", "expires_on": "明天"})
    form = response.context["form"]
    assert form.errors["unit"] == ["没有代码为“NOPE”的单位"]
    assert "permissions" in form.errors and "expires_on" in form.errors
    assert not ApiToken.objects.exists()


def test_token_page_expiry_is_the_end_of_the_day(cast, client):
    client.force_login(cast.academy)
    day = dt.date.today() + dt.timedelta(days=10)
    data = {"name": "x", "unit": "IOP", "permissions": ["read_people"], "expires_on": day.isoformat()}
    client.post(reverse("api:tokens"), data)
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == day + dt.timedelta(days=1)
    assert timezone.localtime(token.expires_at).time() == dt.time.min


def test_rate_limit_per_token_answers_429_with_retry_after(cast, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, 30, 45, tzinfo=dt.UTC), tick=False)
    token, secret = _token(cast)
    ApiToken.objects.filter(pk=token.pk).update(rate_per_minute=2)
    _, other = _token(cast)
    url = reverse("api-v1:units")
    assert [_get(client, url, secret).status_code for _ in range(2)] == [200, 200]
    response = _get(client, url, secret)
    assert response.status_code == 429 and response["Retry-After"] == "15"
    assert response["Content-Type"] == "application/problem+json"
    assert _get(client, url, other).status_code == 200  # per token
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, 31, 0, tzinfo=dt.UTC), tick=False)
    assert _get(client, url, secret).status_code == 200  # a new minute


def test_django_admin_creates_through_the_service_and_revokes(cast, client):
    cast.academy.is_staff = cast.academy.is_superuser = True
    cast.academy.save()
    client.force_login(cast.academy)
    data = {
        "name": "人事系统",
        "unit": cast.units["unit"].pk,
        "permissions": '["read_people"]',
        "rate_per_minute": 60,
    }
    response = client.post(reverse("admin:api_apitoken_add"), data, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.secret_hash and token.rate_per_minute == 60 and token.created_by == cast.academy
    shown = [str(m) for m in response.context["messages"]]
    secret = next(m.split("：", 1)[1] for m in shown if "只显示这一次" in m)
    assert hash_secret(secret) == token.secret_hash
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def _burst(token, now, threads=12) -> list:
    """`threads` threads, each its own connection, count a use of the token at the same moment."""
    import threading

    from django.db import connection

    from hourbook.api.auth import _count_use

    barrier = threading.Barrier(threads)
    passed, errors = [], []

    def use():
        try:
            barrier.wait()
            passed.append(_count_use(token, now))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=use) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert errors == []
    return passed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rate_limit_counts_concurrent_requests_exactly(cast):
    """A token of 5 a minute used by 12 requests at once: exactly 5 pass, whether the minute's window is new
    (every request races to reset it) or already open."""
    token, _secret = _token(cast, rate_per_minute=5)
    now = timezone.now()
    assert _burst(token, now).count(True) == 5  # no window yet: the reset race
    later = now + dt.timedelta(minutes=1)
    assert _burst(token, later).count(True) == 5  # the previous minute's window: reset again
    ApiToken.objects.filter(pk=token.pk).update(window_count=3)
    assert _burst(token, later).count(True) == 2  # an open window with 3 used


def test_person_year_follows_the_unit_held_in_that_year(cast, client):
    """A person who moved from 物理研究所 to 化学研究所 this year: 物理研究所's token still reads last year (the
    unit report counts them there, DOMAIN.md), but not this year; 化学研究所's token reads this year."""
    from hourbook.org.services import employee_move

    person = EmployeeFactory(unit=cast.units["unit"])
    employee_move(employee=person, unit=cast.units["sibling"], start=dt.date(YEAR, 1, 1))
    _, iop = _token(cast)
    _, iccas = _token(cast, unit="sibling")
    last, this = (
        reverse("api-v1:person_year", kwargs={"arp": person.arp, "year": y}) for y in (YEAR - 1, YEAR)
    )
    assert _get(client, last, iop).status_code == 200
    assert _get(client, this, iop).status_code == 404
    assert _get(client, this, iccas).status_code == 200
    assert _get(client, reverse("api-v1:person", kwargs={"arp": person.arp}), iop).status_code == 404


def test_every_operation_declares_the_token_and_its_refusals(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert operations
    for op in operations:
        assert op["security"] and {"200", "401", "403", "429"} <= set(op["responses"]), op["operationId"]
