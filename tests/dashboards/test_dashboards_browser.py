"""In Chromium on the running API with the demo data of `make run`: the mayor signs in, opens
the dashboards and sees every chart drawn (an SVG with shapes in each chart's box), with no
console error; screenshots on screen and in print emulation, and the A4 PDF, are kept."""

import pytest

from tests.browser import chromium, running_api, sign_in_page
from tests.helpers import screenshot_path

CHARTS = (
    "chart-complaints-months",
    "chart-complaints-divisions",
    "chart-screening-funnel",
    "chart-pdca-divisions",
    "chart-pdca-dimensions",
    "chart-overdue",
)
DRAWN = """ids => ids.map(id => {
  const svg = document.querySelector('#' + id + ' svg');
  return [id, svg ? svg.querySelectorAll('path, rect, text').length : 0,
          svg ? Math.round(svg.getBoundingClientRect().width) : 0];
})"""


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    with running_api(tmp_path_factory.mktemp("dashboards-system")) as system:
        yield system


@pytest.mark.slow
def test_an_executive_opens_the_dashboards_and_sees_the_charts(live_api):
    from playwright.sync_api import expect

    base = live_api.api_url
    with chromium() as browser:
        context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        external: list[str] = []
        page.on(
            "request",
            lambda r: external.append(r.url) if not r.url.startswith(base) else None,
        )

        sign_in_page(page, base, "mayor")
        page.click("nav.who a[href='/dashboards']")  # the executives' menu link
        page.wait_for_url("**/dashboards")
        expect(page.locator("body")).to_have_attribute("data-charts-ready", str(len(CHARTS)))
        expect(page.locator("h1")).to_have_text("ภาพรวมสำหรับผู้บริหาร")
        expect(page.locator(".as-of")).to_contain_text("25")  # the Buddhist-Era date

        drawn = page.evaluate(DRAWN, list(CHARTS))
        for chart, shapes, width in drawn:
            assert shapes > 10 and width > 600, (chart, shapes, width)
        # the target lines are drawn and labelled in the complaint charts
        months = page.locator("#chart-complaints-months svg")
        expect(months).to_contain_text("90%")
        expect(months).to_contain_text("85%")
        page.screenshot(path=screenshot_path("dashboards-screen.png"), full_page=True)

        # print: charts redrawn at the A4 width, no menu
        page.set_viewport_size({"width": 794, "height": 1123})
        page.emulate_media(media="print")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.chart svg')]"
            ".every(s => Math.round(s.getBoundingClientRect().width) === 680)"
        )
        expect(page.locator("header.topbar")).to_be_hidden()
        expect(page.locator(".print-foot")).to_be_visible()
        page.screenshot(path=screenshot_path("dashboards-print.png"), full_page=True)
        pdf = screenshot_path("dashboards-print.pdf")
        page.pdf(path=str(pdf), format="A4", print_background=True)
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50_000

        assert problems == []
        assert external == []  # nothing fetched from outside the API: no CDN
