"""The ranking page: who may open it, what it shows, and its fixed number of queries."""

from __future__ import annotations

import json
import re

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from markupsafe import escape

from assessment.dashboards.filters import ranking_for
from assessment.dashboards.views.shared import ranking_table
from assessment.results.access import ranking_visibility
from tests.assessment.builders import make_round, rename_region
from tests.assessment.dashboards.builders import round_of_counties


def url(round_, query: str = "") -> str:
    return reverse("assessment:ranking", args=[round_.pk]) + query


def chart_data(page: str, name: str) -> dict:
    match = re.search(
        rf'<script id="chart-{name}-data" type="application/json">(.*?)</script>', page
    )
    return json.loads(match.group(1))


def test_supervisor_sees_the_level_race_of_their_province(client, rounds, supervisor_zhejiang):
    _, second = rounds
    client.force_login(supervisor_zhejiang)
    page = client.get(url(second, "?level=county")).content.decode()
    assert "上城区" in page and "海曙区" in page
    assert "<strong>1</strong>" in page and "(1–2)" in page  # rank with its interval
    assert "↑1" in page and "↓1" in page  # 上城区 2 → 1, 拱墅区 1 → 2
    assert "+10.00" in page
    assert 'data-testid="methodology"' in page
    race = chart_data(page, "race")
    labels = [label for trace in race["data"] if trace["type"] == "bar" for label in trace["y"]]
    assert set(labels) == {"上城区", "拱墅区", "西湖区", "海曙区"}  # 滨江区 has no score
    for name in ("distribution", "heatmap", "trend", "bump"):
        assert chart_data(page, name)["data"] is not None


def test_hangzhou_supervisor_never_sees_ningbo(client, rounds, supervisor_hangzhou):
    _, second = rounds
    client.force_login(supervisor_hangzhou)
    page = client.get(url(second, "?level=county")).content.decode()
    assert "西湖区" in page
    assert "海曙区" not in page and "330203" not in page  # neither in the table nor charts
    assert client.get(url(second, "?level=county&parent=330200")).status_code == 404
    assert client.get(url(second, "?level=county&focus=330203")).status_code == 404
    cities = client.get(url(second, "?level=city")).content.decode()
    assert "杭州市" in cities and "宁波市" not in cities


def test_progress_race_tab(client, rounds, evaluator_zhejiang):
    _, second = rounds
    client.force_login(evaluator_zhejiang)
    page = client.get(url(second, "?level=county&race=progress")).content.decode()
    assert page.index("上城区") < page.index("西湖区") < page.index("海曙区") < page.index("拱墅区")
    race = chart_data(page, "race")
    assert race["data"][0]["x"] == [10.0, 8.0, 5.0, 1.0]


def test_names_with_markup_are_escaped_in_the_table_and_the_filters(client, rounds, administrator):
    _, second = rounds
    hostile = '<img src=x onerror="alert(1)">西湖区'
    rename_region("330106", hostile, second)
    rename_region("330100", "<b>杭州市</b>", second)
    client.force_login(administrator)
    page = client.get(url(second, "?level=county")).content.decode()
    assert hostile not in page and "<b>杭州市</b>" not in page
    # The rows and the filter's widgets are drawn by Jinja2, which escapes with markupsafe.
    assert f'<a href="/results/{second.pk}/regions/330106/">{escape(hostile)}</a>' in page
    assert f'<option value="330100">{escape("<b>杭州市</b>")}</option>' in page
    assert "<strong>–</strong>" in page and "None" not in page  # 滨江区 has no rank


def test_sort_links_keep_the_filters_and_flip_the_sorted_column(client, rounds, administrator):
    _, second = rounds
    client.force_login(administrator)
    page = client.get(url(second, "?level=county&parent=330100&sort=score")).content.decode()
    # The sorted column links to the other direction, the others to their first one; the
    # filters stay in every link.
    assert '<a href="?level=county&amp;parent=330100&amp;sort=-score">' in page
    assert '<a href="?level=county&amp;parent=330100&amp;sort=area_DS">' in page
    assert re.search(
        r'<th class="[^"]*\basc\b[^"]*" scope="col">\s*<a href="[^"]*sort=-score">', page
    )
    assert page.index("西湖区") < page.index("拱墅区") < page.index("上城区")  # 58 < 66 < 70


@pytest.mark.parametrize("user", ["staff_xihu", "nobody"])
def test_staff_and_users_without_a_role_cannot_open_rankings(client, rounds, user, request):
    _, second = rounds
    client.force_login(request.getfixturevalue(user))
    # Staff see their own region's round but lack the role (403); nobody sees no round (404).
    assert client.get(url(second)).status_code == (403 if user == "staff_xihu" else 404)


def test_staff_of_another_subtree_do_not_see_the_round(client, default_system, staff_haishu):
    hangzhou = make_round(default_system, scope="330100")
    client.force_login(staff_haishu)
    assert client.get(url(hangzhou)).status_code == 404


def test_a_round_without_results_says_so(client, default_system, supervisor_zhejiang):
    round_ = make_round(default_system)
    client.force_login(supervisor_zhejiang)
    page = client.get(url(round_)).content.decode()
    assert 'data-testid="not-computed"' in page


def test_anonymous_users_are_sent_to_log_in(client, rounds):
    _, second = rounds
    response = client.get(url(second))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_invalid_filters_fall_back_to_defaults(client, rounds, administrator):
    _, second = rounds
    client.force_login(administrator)
    response = client.get(url(second, "?level=planet&race=marathon&rank_by=XX&sort=nonsense"))
    assert response.status_code == 200
    assert "杭州市" in response.content.decode()  # the default level: cities


def test_pagination_show_all_and_the_heatmap(client, administrator, default_system, monkeypatch):
    round_ = round_of_counties(default_system, 60)
    client.force_login(administrator)
    paged = client.get(url(round_, "?level=county")).content.decode()
    assert paged.count('class="rank-cell"') == 50
    assert len(chart_data(paged, "race")["data"][0]["y"]) == 50  # the race: this page
    heatmap = chart_data(paged, "heatmap")["data"][0]
    assert len(heatmap["y"]) == 60 and len(heatmap["x"]) == 18  # the whole filtered set
    everything = client.get(url(round_, "?level=county&show=all")).content.decode()
    assert everything.count('class="rank-cell"') == 60
    # Beyond the heatmap's limit it follows the table's page instead.
    monkeypatch.setattr("assessment.dashboards.views.shared.HEATMAP_LIMIT", 40)
    paged = client.get(url(round_, "?level=county&page=2")).content.decode()
    assert len(chart_data(paged, "heatmap")["data"][0]["y"]) == 10


@pytest.mark.parametrize("count", [2, 50])
def test_query_count_does_not_depend_on_the_number_of_regions(
    client, supervisor_zhejiang, default_system, count, django_assert_num_queries
):
    round_ = round_of_counties(default_system, count)
    client.force_login(supervisor_zhejiang)
    # session, user, memberships (grants), round (with its previous one), indicator tree,
    # maturity levels, parent choices of the filter, comparable rounds; the table's count and page,
    # the level distribution (one GROUP BY), the trend leaders and their earlier standings,
    # the heatmap's dimension results, the navigation's unread notifications; then the session
    # save (savepoint, update, release)
    with django_assert_num_queries(18):
        response = client.get(url(round_, "?level=county"))
    assert response.status_code == 200
    assert response.content.decode().count('class="rank-cell"') == count


@pytest.mark.parametrize(
    "query", ["?level=county&page=2", "?level=county&race=progress&sort=-score", "?level=county"]
)
def test_header_and_page_links_are_those_of_django_tables2s_own_template(
    client, administrator, default_system, query
):
    """The project writes the header and the page links with Jinja2 (dashboard_tags); they
    must say what django-tables2's stock template says for the same table: the same columns,
    header cell attributes, sort links and page links."""
    round_ = round_of_counties(default_system, 120)  # three pages
    request = RequestFactory().get(url(round_, query))
    request.user = administrator
    read = ranking_for(request.GET, round_, visibility=ranking_visibility(administrator))
    table = ranking_table(request, read)
    context = {"table": table, "request": request}
    ours = get_template("dashboards/ranking_table.html").render(context, request)
    stock = get_template("django_tables2/bootstrap5-responsive.html").render(context, request)

    def part(html: str, start: str, end: str) -> str:
        text = html[html.index(start) : html.index(end)]
        return re.sub(r"\s+", "", text.replace("&amp;", "&"))  # layout whitespace aside

    head, pages = part(ours, "<thead", "</thead>"), part(ours, "<nav", "</nav>")
    assert head == part(stock, "<thead", "</thead>")
    assert pages == part(stock, "<nav", "</nav>")
    assert head.count("sort=") >= 8 and pages.count("page=") >= 3  # links were compared
