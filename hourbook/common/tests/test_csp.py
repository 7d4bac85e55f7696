"""The Content-Security-Policy (issue 8, item 14): every page of the app is sent with a policy that lets only the
app's own scripts and styles run, with a fresh nonce per response, and no template needs more than that.

The browser tests (e2e/) run every persona's pages under the same policy and fail on any violation."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

REPO = Path(__file__).resolve().parents[3]


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


def _assert_strict(policy: dict[str, list[str]]) -> None:
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        values = policy[directive]
        assert values[0] == "'self'"
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
        assert all(v == "'self'" or v.startswith("'nonce-") for v in values), values
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # data: only for Bootstrap's inline SVG icons; no other host anywhere.
    assert policy["img-src"] == ["'self'", "data:"]
    assert not [
        v for values in policy.values() for v in values if "://" in v or v in ("*", "http:", "https:")
    ]


@pytest.mark.django_db
def test_the_login_page_is_sent_with_the_policy_and_its_scripts_carry_the_nonce(client):
    first = client.get(reverse("accounts:login"))
    policy = _policy(first)
    _assert_strict(policy)
    nonce = re.fullmatch(r"'nonce-([\w-]{16,})'", policy["script-src"][1]).group(1)
    assert policy["style-src"][1] == f"'nonce-{nonce}'"
    html = first.content.decode()
    scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html) if 'type="application/json"' not in tag]
    # Every script is one of the app's static files; base.html's carry the response's nonce.
    assert scripts and all(f'src="{settings.STATIC_URL}' in tag for tag in scripts), scripts
    assert len([tag for tag in scripts if f'nonce="{nonce}"' in tag]) >= 3, scripts
    # A fresh nonce for every response.
    second = _policy(client.get(reverse("accounts:login")))
    assert second["script-src"][1] != policy["script-src"][1]


def test_signed_in_pages_and_partials_are_sent_with_the_policy(cast, login):
    client = login(cast.hr)
    for name in ("ledger:home", "review:queue", "reports:unit", "roster:list"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _assert_strict(_policy(response))
    # An htmx partial and a 404 too.
    _assert_strict(_policy(client.get(reverse("reports:unit"), headers={"HX-Request": "true"})))
    _assert_strict(_policy(client.get("/no-such-page/")))


def test_evidence_shown_in_the_review_page_may_be_framed_by_the_app_only(cast, login):
    from django.core.files.base import ContentFile

    from hourbook.ledger.choices import Status
    from hourbook.testing.factories import RecordFactory

    record = RecordFactory(employee=cast.employee.employee, status=Status.PENDING)
    pdf = record.evidence.create(
        file=ContentFile(b"%PDF-1.4 x", name="e.pdf"),
        original_name="结业.pdf",
        content_type="application/pdf",
        size=10,
    )
    response = login(cast.hr).get(reverse("review:evidence", args=[pdf.pk]))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_the_policy_is_on_in_production_settings_too():
    """The policy is not a development or test setting: production's settings send the same one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOURBOOK_", "PYTEST"))}
    env.update(DEBUG="0", HOURBOOK_PRODUCTION="1", SECRET_KEY="x" * 50, ALLOWED_HOSTS="hourbook.example.org")
    code = (
        "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'hourbook.settings'; django.setup();"
        "from django.conf import settings;"
        "print(json.dumps({'debug': settings.DEBUG, 'middleware': settings.MIDDLEWARE,"
        " 'csp': {k: list(v) for k, v in settings.SECURE_CSP.items()}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    production = json.loads(out.stdout.strip().splitlines()[-1])
    assert production["debug"] is False
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in production["middleware"]
    assert production["csp"] == {k: [str(v) for v in values] for k, values in settings.SECURE_CSP.items()}


# What the policy refuses, looked for in every template: inline event handlers and htmx's hx-on (both need
# inline script or eval), javascript: URLs, style="" attributes, <script> without src, <style> without the nonce.
FORBIDDEN = [
    (re.compile(r"<[a-zA-Z][^>]*?\s(?:on[a-z]+|hx-on[\w:.-]*)\s*=", re.S), "inline event handler"),
    (re.compile(r"""href\s*=\s*["']?\s*javascript:""", re.I), "javascript: URL"),
    (re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.S), 'style="" attribute'),
    (re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.S), "inline <script>"),
    (re.compile(r"<style\b(?![^>]*\snonce=)[^>]*>", re.S), "<style> without the nonce"),
]


def _templates() -> list[Path]:
    return sorted(p for p in (REPO / "hourbook").rglob("templates/**/*.html"))


def test_no_template_needs_inline_script_or_style():
    templates = _templates()
    assert len(templates) > 50
    found = []
    for path in templates:
        text = path.read_text()
        for pattern, what in FORBIDDEN:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(REPO)}:{line}: {what}")
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        '<select onchange="this.form.submit()">',
        '<form hx-on::xhr:progress="x()">',
        '<a href="javascript:history.back()">',
        '<div class="a" style="height: 1px">',
        "<script>alert(1)</script>",
        "<style>p {}</style>",
    ],
)
def test_the_template_check_catches_each_kind(snippet):
    assert any(pattern.search(snippet) for pattern, _ in FORBIDDEN)


@pytest.mark.parametrize(
    "snippet",
    [
        '<select data-autosubmit class="form-select">',
        '<script src="/static/x.js" nonce="{{ csp_nonce }}" defer></script>',
        '<style nonce="{{ csp_nonce }}">p {}</style>',
        '<button data-confirm="确定？" hx-post="/x">',
    ],
)
def test_the_template_check_passes_what_the_policy_allows(snippet):
    assert not any(pattern.search(snippet) for pattern, _ in FORBIDDEN)
