"""Every page of every persona works under the production Content-Security-Policy (issue 8, item 14).

The demo academy (a small one) gives each named login of `make demo` its real pages: records in every state,
a review queue, programmes, reports with charts, notifications, a background job; `admin` is also a superuser and
reaches Django's admin. Each persona logs in and walks its pages: the home page, every link of its menu, every
link found there, and one level further, each kind of page once (/roster/12/ and /roster/15/ are one page).
The `page` fixture fails on any CSP violation; each persona is also checked on its own for a clear message.
"""

import re
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from e2e.conftest import log_in, shot
from hourbook.accounts.models import User
from hourbook.demo import data
from hourbook.demo.services import demo_load
from hourbook.jobs.models import Job, JobStatus
from hourbook.testing.factories import PASSWORD

# Not pages: downloads, files, the captcha image, and logging out (a POST anyway).
NOT_PAGES = re.compile(r"\.(xlsx|png|pdf|csv)$|/download/$|/evidence/|/captcha|/logout/|^/static/|^/media")
DEPTH = 3  # home 0, menu 1, what the menu's pages link to 2, one more 3 (a roster entry's edit page)


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _walk(page, username: str, shared: set[str]) -> list[str]:
    """Visit the persona's pages breadth-first and return their paths.

    The persona's own pages (home, its menu, its job list) are visited for each persona, as they show that
    persona's figures; a page further in (a record, its edit form, a roster entry, an admin page) is visited
    once for all personas, the first time one reaches its kind (`shared` holds those kinds)."""
    origin = page.base_url
    # The home page, and the list of one's background jobs (linked from a started export, not from the menu).
    queue = [(origin + "/", 0), (origin + "/jobs/", 1)]
    own: set[str] = set()
    visited = []
    while queue:
        url, depth = queue.pop(0)
        path = urlsplit(url).path
        kind = _kind(path)
        seen = own if depth <= 1 and not path.startswith("/admin/") else shared
        if kind in own or kind in seen:
            continue
        seen.add(kind)
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue
            raise
        assert response.ok, f"{username}: {url} answered {response.status}"
        assert "content-security-policy" in response.headers, url
        # htmx's requests of the page (the menu's pending count, a job's progress) have been answered.
        expect(page.locator(".htmx-request")).to_have_count(0)
        visited.append(path)
        _exercise(page, path)
        assert page.csp_violations == [], f"{username} on {url}"
        if depth == DEPTH:
            continue
        for href in page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)"):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != origin or NOT_PAGES.search(parts.path):
                continue
            queue.append((href.split("#")[0], depth + 1))
    return visited


def _exercise(page, path: str) -> None:
    """What a page does after loading, under the policy: menus open, chart tooltips show, progress bars fill."""
    toggle = page.locator("#mainnav .dropdown-toggle").first
    if path == "/" and toggle.count() and toggle.is_visible():
        toggle.click()
        expect(page.locator("#mainnav .dropdown-menu.show")).to_have_count(1)
        toggle.click()
    for chart in page.locator(".report-chart").all():
        box = chart.bounding_box()
        if box:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            expect(chart.locator(":scope > div").nth(1)).to_be_visible()
    if re.fullmatch(r"/jobs/\d+/", path):
        # The bar's width comes from data-percent, set by hourbook.js (no style="" attribute).
        expect(page.locator(".progress-bar")).to_have_attribute("style", re.compile(r"width: 40%"))


def test_every_page_of_every_persona_runs_under_the_policy(page):
    demo_load(employees=20)
    admin = User.objects.get(username="admin")
    Job.objects.create(
        owner=admin, kind="records_export", title="导出记录", status=JobStatus.RUNNING, progress=2, total=5
    )
    shared: set[str] = set()
    walked = {}
    for persona in data.PERSONAS:
        page.context.clear_cookies()
        log_in(page, persona.username, data.PASSWORD)
        walked[persona.username] = _walk(page, persona.username, shared)
    shot(page, "csp-walk-last-page")
    assert all(len(paths) >= 9 for paths in walked.values()), {k: len(v) for k, v in walked.items()}
    # The walk reached each persona's own pages, not only the home page.
    assert {reverse("review:queue"), reverse("reports:unit")} <= set(walked["hr_iop"])
    assert {reverse("policy:year_policy"), reverse("audit:list"), "/admin/"} <= set(walked["admin"])
    assert "/jobs/N/" in map(_kind, walked["admin"])
    assert reverse("training:programme_list") in walked["manager_iop"]
    assert reverse("ledger:archive") in walked["pending"]


def test_what_inline_handlers_did_is_done_by_the_apps_scripts(page, cast):
    """The templates' on…="" attributes became data attributes that the app's scripts handle (hourbook.js; login.js
    fetches a new captcha)."""
    page.goto(page.base_url + "/accounts/login/")
    image = page.locator("#captcha-img")
    before = image.get_attribute("src")
    page.get_by_role("link", name="换一张").click()
    expect(image).not_to_have_attribute("src", before)
    log_in(page, "employee", PASSWORD)
    # A select that submits its form when changed (was onchange="this.form.submit()").
    page.goto(page.base_url + "/archive/")
    year = page.locator("#archive-year")
    value = year.locator("option").nth(1).get_attribute("value")
    year.select_option(value)
    page.wait_for_url(re.compile(rf"/archive/\?year={value}$"))
    expect(page.locator("#archive-year")).to_have_value(value)
