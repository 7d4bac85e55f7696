"""The report's charts put unit names into the ECharts tooltip, which ECharts inserts as HTML: a unit named like
markup shows as that text and runs nothing (issue 8, item 13)."""

import re

from playwright.sync_api import expect

from e2e.conftest import log_in, shot
from hourbook.testing.factories import PASSWORD

PAYLOAD = "<img src=x onerror=alert(1)>"


def test_a_unit_named_like_markup_shows_as_text_in_the_chart_tooltip(page, cast):
    dept = cast.units["dept"]
    dept.name = PAYLOAD
    dept.save(update_fields=["name"])
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    log_in(page, "hr", PASSWORD)
    page.goto(page.base_url + "/reports/")
    chart = page.locator('.report-chart[data-chart="completion"]')
    expect(chart.locator("canvas")).to_have_count(1)
    box = chart.bounding_box()
    # Two bars, 本级 and the renamed 人力资源处, each under half of the grid (40 px left, 10 px right margin):
    # hovering a bar's half opens the axis tooltip, a <div> that ECharts adds beside the canvas.
    tooltip = chart.locator(":scope > div").nth(1)
    grid = box["width"] - 50
    texts = []
    for quarter in (1, 3):
        page.mouse.move(box["x"] + 40 + grid * quarter / 4, box["y"] + box["height"] / 2)
        expect(tooltip).to_be_visible()
        expect(tooltip).to_contain_text("（")
        texts.append(tooltip.inner_text())
    assert any(text.startswith(PAYLOAD) and "0%（0 / 1）" in text for text in texts), texts
    page.mouse.move(box["x"] + 40 + grid * 3 / 4, box["y"] + box["height"] / 2)
    expect(tooltip).to_contain_text(PAYLOAD)
    expect(chart.locator("img")).to_have_count(0)
    shot(page, "report-chart-tooltip")
    # The tables beside the chart show the name as text too (the completion table and the colleague's row).
    expect(page.get_by_role("row").filter(has_text=PAYLOAD)).to_have_count(2)
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0


def test_filtering_the_report_and_going_back_redraws_the_charts(page, cast):
    """htmx swaps the report and pushes the address; going back restores the page with its charts, and neither
    step writes a style="" attribute the Content-Security-Policy refuses (the `page` fixture fails on one)."""
    log_in(page, "hr", PASSWORD)
    page.goto(page.base_url + "/reports/")
    expect(page.locator(".report-chart canvas")).to_have_count(2)
    page.get_by_label("达标情况").select_option(index=1)
    page.wait_for_url(re.compile(r"/reports/\?.*met="))
    expect(page.locator(".report-chart canvas")).to_have_count(2)
    # htmx keeps no copy of the page (it would put back ECharts' styles as refused style="" attributes):
    # going back or forward loads the page again.
    with page.expect_event("load"):
        page.evaluate("() => history.back()")
    assert page.url == page.base_url + "/reports/"
    expect(page.locator(".report-chart canvas")).to_have_count(2)
    with page.expect_event("load"):
        page.evaluate("() => history.forward()")
    assert "met=met" in page.url
    expect(page.get_by_label("达标情况")).to_have_value("met")
    expect(page.locator(".report-chart canvas")).to_have_count(2)
    assert page.csp_violations == []
