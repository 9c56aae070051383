"""The open API in a real browser and over real HTTP: the administrator creates a client for
the provincial 好差评 platform and copies its token; the platform pushes SV.4.1 for 西湖区;
西湖区's staff see the value read-only in their entry form with where it came from; the
administrator revokes the token and the platform is refused. The API's documentation page
renders from our own static files under the page's CSP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from assessment.collection.models import Round, Value
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_dashboards import assert_clean, watch

XIHU = "330106"


def push(server, token: str, round_id: int, key: str, value: float) -> tuple[int, dict]:
    body = json.dumps({"values": [{"region": XIHU, "indicator": "SV.4.1", "value": value}]})
    request = urllib.request.Request(
        f"{server.url}/api/v1/rounds/{round_id}/values",
        data=body.encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_platform_feeds_a_value_the_region_cannot_overwrite(page, demo_server):
    problems = watch(page)
    open_round = Round.objects.get(period="2026")
    log_in(page, demo_server, "admin")
    page.click("[data-testid=nav-api]")
    page.wait_for_load_state("networkidle")
    page.fill("#id_name", "浙江省好差评系统")
    page.fill("#id_scope", "330100")
    page.check("input[name=push_indicators][value='SV.4.1']")
    page.click("[data-testid=create-client]")
    page.wait_for_load_state("networkidle")
    token = page.locator("[data-testid=token-value]").input_value()
    assert token.startswith("gm_") and len(token) > 40
    screenshot(page, "api-clients-token")

    status, answer = push(demo_server, token, open_round.pk, "e2e-1", 93.5)
    assert status == 200 and answer["changed"] == 1, answer
    status, answer = push(demo_server, token, open_round.pk, "e2e-2", 150)
    assert status == 422 and answer["problems"][0]["index"] == 0  # above 100: nothing written
    value = Value.objects.get(
        submission__round=open_round, submission__region_id=XIHU, indicator__code="SV.4.1"
    )
    assert value.value == 93.5

    page.goto(f"{demo_server.url}/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() == 6
    screenshot(page, "api-docs")

    page.goto(f"{demo_server.url}/api-clients/")
    page.on("dialog", lambda dialog: dialog.accept())
    client_row = page.locator("[data-testid=client-table] tr", has_text="浙江省好差评系统")
    client_row.locator("button[data-testid^=revoke]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages").inner_text()
    status, _answer = push(demo_server, token, open_round.pk, "e2e-3", 80)
    assert status == 401
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")

    log_in(page, demo_server, f"staff-{XIHU}")
    page.goto(f"{demo_server.url}/rounds/{open_round.pk}/regions/{XIHU}/")
    fed = page.locator("[data-testid='fed-SV.4.1']")
    fed.scroll_into_view_if_needed()
    text = fed.inner_text()
    assert "93.5" in text and "浙江省好差评系统" in text and "平台数据" in text
    assert page.locator("input[name='value-SV.4.1']").count() == 0
    assert page.locator("textarea[name='note-SV.4.1']").count() == 1  # a note is still theirs
    page.locator("[data-testid='indicator-SV.4.1']").screenshot(
        path=str(screenshot(page, "entry-fed-value").with_name("entry-fed-value-row.png"))
    )
    assert_clean(problems)


RATINGS = (
    "行政区划代码,评价日期,评价等级\n"
    + "330106,2026-03-01,非常满意\n" * 9
    + "330106,2026-03-02,不满意\n"
    + "330102,2026-04-01,满意\n330102,2026-04-02,基本满意\n"
)


def test_a_raw_rating_log_becomes_values_after_a_dry_run(page, demo_server, tmp_path):
    problems = watch(page)
    open_round = Round.objects.get(period="2026")
    satisfied = open_round.system.indicators.get(code="SV.4.3")
    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/rounds/{open_round.pk}/")
    page.click("[data-testid=feeds-link]")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_indicator", str(satisfied.pk))
    page.fill("#id_source_name", "浙江省好差评系统")
    page.select_option("#id_aggregation", "rate")
    page.fill("#id_region_column", "行政区划代码")
    page.fill("#id_condition_column", "评价等级")
    page.select_option("#id_condition_op", "in")
    page.fill("#id_condition_value", "非常满意,满意")
    log = tmp_path / "haocha-2026.csv"
    log.write_text(RATINGS, encoding="utf-8")
    page.set_input_files("#id_file", str(log))
    page.click("[data-testid=feed-dry-run]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=problem-count]").inner_text() == "0"
    assert "90" in page.locator("[data-testid=value-330106]").inner_text()
    assert "50" in page.locator("[data-testid=value-330102]").inner_text()
    screenshot(page, "feed-report")
    page.click("[data-testid=apply-feed]")
    page.wait_for_load_state("networkidle")
    value = Value.objects.get(
        submission__round=open_round, submission__region_id=XIHU, indicator=satisfied
    )
    assert value.value == 90 and value.fed_from.startswith("浙江省好差评系统 · haocha-2026.csv")
    assert_clean(problems)
