import pytest

from .conftest import SCREENSHOTS, sign_in

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_an_official_reads_the_dashboard_map_project_and_explorer(browser_page):
    page = browser_page
    sign_in(page, "demo-national", "Duikou-national-2025")
    page.wait_for_selector("#trend[data-ready]")
    assert page.locator("#key-figures .figure-card").count() >= 6
    shot(page, "dashboard")

    page.goto(f"{page.base}/map/")
    page.wait_for_selector("#map[data-ready]")
    assert page.locator("#map canvas").count() >= 1
    assert "昌吉回族自治州" in page.locator("#map-table").inner_text()
    shot(page, "map")

    page.select_option("select[name=layer]", "county")
    page.wait_for_function("document.querySelector('#map-table').innerText.includes('所属地州')")
    page.wait_for_selector("#map[data-ready]")
    assert page.locator("#map canvas").count() >= 1
    assert page.locator("#map-table tbody tr").count() == 108
    shot(page, "map-counties")

    page.select_option("select[name=within]", "652300")
    page.wait_for_function(
        "document.querySelector('h1').innerText.includes('昌吉回族自治州各县市')"
    )
    page.wait_for_selector("#map[data-ready]")
    table = page.locator("#map-table").inner_text()
    assert "玛纳斯县" in table and "巴楚县" not in table
    shot(page, "map-changji-counties")

    # Click a county on the map itself: it opens the county's page.
    x, y = page.evaluate(
        "window.echarts.getInstanceByDom(document.getElementById('map'))"
        ".convertToPixel({seriesIndex: 0}, '玛纳斯县')"
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/regions/*/")
    assert "玛纳斯县" in page.locator("h1").inner_text()

    page.goto(f"{page.base}/projects/")
    page.fill("input[name=q]", "玛纳斯")
    page.wait_for_function(
        "location.search.includes('q=') && !document.querySelector('.htmx-request')"
    )
    rows = page.locator("#rows tbody tr")
    assert all("玛纳斯" in rows.nth(i).inner_text() for i in range(rows.count()))
    shot(page, "projects-filtered")

    rows.first.locator("a").first.click()
    page.wait_for_selector("#timeline")
    assert page.locator("#funds").is_visible()
    assert page.locator("#history").is_visible()
    shot(page, "project")

    page.goto(f"{page.base}/explore/?indicator=FUND_SPENT&indicator=PATIENTS_TREATED")
    page.wait_for_selector("#explore-chart-box[data-ready]")
    page.select_option("#id_rows", "indicator")
    page.select_option("#id_cols", "node")
    page.click("#explore-submit")
    page.wait_for_function("document.querySelector('#pivot thead').innerText.includes('福建')")
    page.wait_for_selector("#explore-chart-box[data-ready]")
    shot(page, "explorer")


def test_a_form_with_an_error_says_why_in_chinese(browser_page):
    page = browser_page
    sign_in(page, "demo-fujian", "Duikou-fujian-2025")
    page.goto(f"{page.base}/projects/new/")
    page.fill("#id_code", "BROWSER-001")
    page.fill("#id_name", "浏览器测试项目")
    page.select_option("#id_donor_org", index=1)
    page.fill("#id_region", "玛纳斯县")
    page.fill("#id_plan_year", "2025")
    page.fill("#id_planned_start", "2025-06-01")
    page.fill("#id_planned_end", "2025-01-01")
    page.fill("#id_budget_aid", "1000000")
    page.click("form.card button")
    error = page.locator("#field-planned_end .errorlist")
    error.wait_for()
    assert "计划完工日期不能早于计划开工日期" in error.inner_text()
    shot(page, "form-error")
