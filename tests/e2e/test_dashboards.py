"""Dashboards in a real browser: the supervisor's morning round and the public display.

Each page is checked for rendered charts (Plotly's SVG inside every chart container) and for
a clean console: no Content-Security-Policy violation and no script error.
"""

from __future__ import annotations

import pytest

from assessment.collection.models import Round
from tests.e2e.conftest import log_in, screenshot


@pytest.fixture
def console(page):
    return watch(page)


def watch(page) -> list[str]:
    """Console errors and uncaught exceptions of the page, collected as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"exception: {error}"))
    return problems


def assert_charts_rendered(page, names: list[str]) -> None:
    for name in names:
        chart = page.locator(f"#chart-{name}")
        chart.locator("svg.main-svg").first.wait_for(state="attached")
        assert chart.locator("svg.main-svg").count() >= 1, f"chart {name} has no SVG"


def assert_clean(problems: list[str]) -> None:
    # The browser asks for /favicon.ico, which we do not serve: that 404 is not a page error.
    relevant = [p for p in problems if "favicon" not in p and "status of 404" not in p]
    assert not [p for p in relevant if "Content Security Policy" in p], relevant
    assert relevant == []


def test_supervisor_reads_the_rankings_and_a_profile(page, console, demo_server):
    round_2025 = Round.objects.get(period="2025")
    log_in(page, demo_server, "supervisor")
    page.click("[data-testid=nav-results]")
    page.click(f"[data-testid=open-ranking-{round_2025.pk}]")
    page.wait_for_load_state("networkidle")
    assert_charts_rendered(page, ["race", "distribution", "heatmap", "trend", "bump"])
    assert "等级赛马" in page.content()
    screenshot(page, "ranking-cities")

    # Counties of Hangzhou: the filters apply as soon as they change.
    with page.expect_navigation():
        page.select_option("#id_level", "county")
    with page.expect_navigation():
        page.select_option("#id_parent", "330100")
    page.wait_for_load_state("networkidle")
    table = page.locator("[data-testid=ranking-table]")
    assert "西湖区" in table.inner_text() and "海曙区" not in table.inner_text()
    assert page.locator("[data-testid=ranking-count]").inner_text().startswith("共 13 个地区")
    assert_charts_rendered(page, ["race", "distribution", "heatmap", "trend", "bump"])
    screenshot(page, "ranking-hangzhou-counties")

    page.click("[data-testid=race-progress]")
    page.wait_for_load_state("networkidle")
    assert "进步名次" in page.locator("[data-testid=ranking-table]").inner_text()
    assert "level=county" in page.url and "parent=330100" in page.url
    assert_charts_rendered(page, ["race", "distribution", "heatmap", "trend", "bump"])
    screenshot(page, "ranking-hangzhou-progress")

    page.locator("[data-testid=ranking-table] tbody a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=profile-title]").is_visible()
    assert_charts_rendered(page, ["radar", "dimensions", "history"])
    assert page.locator("[data-testid=profile-tree] tbody tr").count() == 18 + 43
    screenshot(page, "profile")
    assert_clean(console)


def test_a_city_supervisor_lands_on_the_citys_counties_and_ranks_in_class(
    page, console, demo_server
):
    round_2025 = Round.objects.get(period="2025")
    log_in(page, demo_server, "supervisor-330100")
    page.goto(f"{demo_server.url}/results/{round_2025.pk}/")
    page.wait_for_load_state("networkidle")
    table = page.locator("[data-testid=ranking-table]")
    assert "上级地区内名次" in table.inner_text() and "西湖区" in table.inner_text()
    assert page.locator("[data-testid=ranking-count]").inner_text().startswith("共 13 个地区")
    assert_charts_rendered(page, ["race", "distribution"])
    screenshot(page, "ranking-city-supervisor-default")

    with page.expect_navigation():
        page.select_option("#id_peer_class", label="浙江山区26县：山区26县")
    page.wait_for_load_state("networkidle")
    assert "类内名次" in table.inner_text() and "淳安县" in table.inner_text()
    assert "西湖区" not in table.inner_text()
    assert "浙江山区26县" in page.locator("[data-testid=peer-classes]").inner_text()
    screenshot(page, "ranking-city-supervisor-mountain-class")
    assert_clean(console)


def test_ranking_and_profile_on_a_phone(phone_page, demo_server):
    problems = watch(phone_page)
    round_2025 = Round.objects.get(period="2025")
    log_in(phone_page, demo_server, "supervisor-330100")
    phone_page.goto(f"{demo_server.url}/results/{round_2025.pk}/?level=county&parent=330100")
    phone_page.wait_for_load_state("networkidle")
    assert_charts_rendered(phone_page, ["race", "distribution", "heatmap", "trend", "bump"])
    # The charts fit the phone's width: nothing wider than the screen but the table.
    width = phone_page.evaluate("document.querySelector('#chart-race').scrollWidth")
    assert width <= 390
    screenshot(phone_page, "ranking-hangzhou-counties-phone")
    phone_page.goto(f"{demo_server.url}/results/{round_2025.pk}/regions/330106/")
    phone_page.wait_for_load_state("networkidle")
    assert_charts_rendered(phone_page, ["radar", "dimensions", "history"])
    screenshot(phone_page, "profile-phone")
    assert_clean(problems)


def test_the_public_display_without_logging_in(page, console, demo_server):
    round_2025 = Round.objects.get(period="2025")
    page.goto(f"{demo_server.url}/public/")
    page.click(f"a[href='/public/{round_2025.pk}/']")
    page.wait_for_load_state("networkidle")
    assert_charts_rendered(page, ["race", "progress", "distribution"])
    assert "进步榜" in page.content() and "这些数字是怎么算出来的" in page.content()
    screenshot(page, "public-display")
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=public-filters]").is_visible()
    screenshot(page, "public-display-print")
    open_round = Round.objects.get(period="2026")
    response = page.goto(f"{demo_server.url}/public/{open_round.pk}/")
    assert response.status == 404
    assert_clean([p for p in console if "404" not in p])
