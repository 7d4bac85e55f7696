"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser).

Each test gets a fresh page on Django's live server. Screenshots land in e2e/screenshots/ so a person can
look at what the test saw.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HOURBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make system-deps` (apt-get install chromium fonts-noto-cjk)"
        )
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


# Every page runs under the site's Content-Security-Policy (settings.SECURE_CSP, on in the tests as in
# production). Chromium reports a refused script, style or frame twice: a console message naming the "Content
# Security Policy", and a `securitypolicyviolation` event in the page, which this script hands to the test.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__hourbookCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
    + (event.sample ? ` (${event.sample})` : ""),
  );
});
"""


def watch_csp(context) -> list[str]:
    """Collect every Content-Security-Policy violation in the context's pages, as "url: what" lines."""
    violations: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            where = message.page.url if message.page else ""
            violations.append(f"{where}: console: {message.text}")

    context.on("console", on_console)
    context.expose_binding(
        "__hourbookCspViolation", lambda source, text: violations.append(f"{source['frame'].url}: {text}")
    )
    context.add_init_script(script=_CSP_LISTENER)
    return violations


def _open_page(browser, live_server, **options):
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    page.csp_violations = watch_csp(context)
    return context, page


def _close_page(context, page) -> None:
    violations = list(page.csp_violations)
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A desktop page; the test fails if anything on it broke the Content-Security-Policy."""
    context, page = _open_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    _close_page(context, page)


@pytest.fixture
def phone_page(browser, live_server, transactional_db):
    """A phone-sized page; the test fails if anything on it broke the Content-Security-Policy."""
    context, page = _open_page(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True)
    yield page
    _close_page(context, page)


def shot(page, name: str) -> Path | None:
    """Save a screenshot for people to look at. It is evidence, not an assertion: Chromium occasionally
    refuses a capture on a loaded machine, and that must not fail the test."""
    from playwright.sync_api import Error as PlaywrightError

    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True, timeout=10_000)
    except PlaywrightError:
        try:
            page.screenshot(path=str(path), timeout=10_000)
        except PlaywrightError:
            return None
    return path


def log_in(page, account: str, password: str) -> None:
    """Log in through the real form (the captcha is bypassed only under test settings)."""
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("账号").fill(account)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")


def wait_until(page, expression: str, *, timeout: float = 15.0) -> None:
    """Wait until a JavaScript expression is true in the page.

    `page.wait_for_function("…")` evaluates its string inside the page, which the Content-Security-Policy
    refuses ('unsafe-eval'); `page.evaluate` runs through the browser's debugging protocol, outside the
    page's policy, so this polls with it (a bounded number of polls; nothing orders events by sleeping).
    """
    polls = int(timeout * 10)
    for _ in range(polls):
        if page.evaluate(f"() => Boolean({expression})"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
