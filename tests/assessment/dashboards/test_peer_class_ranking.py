"""Peer classes and natural peers on the ranking page and in its exports: a city supervisor
lands on the city's counties with ranks within the city and among all counties; a class
filter shows the rank in class; the Excel report and the CSV carry both."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from assessment.collection.models import RoundStatus
from assessment.regions.models import Classification, Region, RegionClass
from assessment.results.models import Standing
from assessment.results.services.compute import compute_round
from tests.assessment.builders import fill_values, make_round
from tests.assessment.dashboards.reports.conftest import column_values, workbook

MOUNTAIN_26 = ["330127", "330182", "331102", "331121", "331122", "331123", "331124"]  # a test class


@pytest.fixture
def classed(regions, default_system):
    """A computed Zhejiang round ranking counties in 山区26县 vs the others."""
    scheme = Classification.objects.create(code="zj-mountain", name_zh="山区26县分类",
                                           name_en="Mountain counties")  # fmt: skip
    counties = list(
        Region.objects.filter(code__startswith="33", level="county").values_list("code", flat=True)
    )
    RegionClass.objects.bulk_create(
        [RegionClass(classification=scheme, region_id=code,
                     label="山区26县" if code in MOUNTAIN_26 else "其他县")
         for code in counties]
    )  # fmt: skip
    round_ = make_round(default_system, period="2025", status=RoundStatus.PUBLISHED)
    round_.classifications.set([scheme])
    cities = list(
        Region.objects.filter(code__startswith="33", level="city").values_list("code", flat=True)
    )
    fill_values(round_, cities + counties)
    compute_round(round_=round_, with_sensitivity=False)
    round_.refresh_from_db()
    return round_


def ranking_url(round_, query: str = "") -> str:
    return reverse("assessment:ranking", args=[round_.pk]) + query


def test_a_city_supervisor_lands_on_the_citys_counties_ranked_within_it(
    client, classed, supervisor_hangzhou
):
    client.force_login(supervisor_hangzhou)
    response = client.get(ranking_url(classed))
    assert response.status_code == 200
    filters = response.context["filters"]
    assert filters.level == "county" and filters.form.cleaned_data["parent"] == "330100"
    rows = response.context["page_rows"]
    assert rows and {row.parent_id for row in rows} == {"330100"}
    page = response.content.decode()
    assert "上级地区内名次" in page
    assert len(rows) == Region.objects.filter(parent_id="330100").count()  # every county
    scores = [row.score for row in rows]
    for row in rows:  # ranked within the city: 1 + the number of better scores there
        assert row.rank_in_parent == 1 + sum(other > row.score for other in scores)
    # The rank column is the rank among all of Zhejiang's counties.
    assert max(row.rank for row in rows) > len(rows)
    # Choosing another level is respected.
    response = client.get(ranking_url(classed, "?level=city"))
    assert response.context["filters"].level == "city"


def test_the_provincial_supervisor_keeps_the_provincial_default(
    client, classed, supervisor_zhejiang
):
    client.force_login(supervisor_zhejiang)
    response = client.get(ranking_url(classed))
    assert response.context["filters"].level == "city"
    assert not response.context["filters"].form.cleaned_data.get("parent")


def test_a_class_filter_shows_the_rank_in_class(client, classed, supervisor_zhejiang):
    client.force_login(supervisor_zhejiang)
    response = client.get(ranking_url(classed, "?level=county&peer_class=1:山区26县"))
    assert response.status_code == 200
    rows = response.context["page_rows"]
    assert {row.region_id for row in rows} == set(MOUNTAIN_26)
    assert sorted(row.class_rank for row in rows) == sorted(
        Standing.objects.filter(round=classed, region_id__in=MOUNTAIN_26).values_list(
            "class_1_rank", flat=True
        )
    )
    assert min(row.class_rank for row in rows) == 1
    page = response.content.decode()
    assert "类内名次" in page and "山区26县分类：山区26县" in page
    methodology = page.split('data-testid="peer-classes"')[1].split("</dd>")[0]
    assert "山区26县分类" in methodology  # the methodology panel names the scheme
    # An unknown class is a form error, not a 500: the page shows every county.
    response = client.get(ranking_url(classed, "?level=county&peer_class=9:x"))
    assert response.status_code == 200


def test_the_excel_report_and_the_csv_carry_class_and_in_parent_ranks(
    client, classed, supervisor_zhejiang
):
    client.force_login(supervisor_zhejiang)
    query = "?level=county&parent=330100"
    report = reverse("assessment:round_report", args=[classed.pk]) + query
    sheet = workbook(client.post(report))["排名"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[3:7] == ["上级地区", "上级地区内名次", "山区26县分类", "类内名次"]
    codes = column_values(sheet, "代码")
    stored = {s.region_id: s for s in Standing.objects.filter(round=classed, region_id__in=codes)}
    assert column_values(sheet, "上级地区内名次") == [stored[c].rank_in_parent for c in codes]
    assert column_values(sheet, "类内名次") == [stored[c].class_1_rank for c in codes]
    assert column_values(sheet, "山区26县分类") == [stored[c].class_1 for c in codes]

    csv_url = reverse("assessment:ranking_csv", args=[classed.pk])
    text = client.get(csv_url + "?level=county&parent=330100&peer_class=1:山区26县")
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert "类内名次" in header and "上级地区内名次" in header
    in_class = header.index("类内名次")
    codes = [row[header.index("地区代码")] for row in body]
    assert set(codes) == {"330127", "330182"}  # Hangzhou's mountain counties
    assert [int(row[in_class]) for row in body] == [stored[c].class_1_rank for c in codes]


def test_the_class_filter_costs_the_same_queries_for_few_or_many_regions(
    client, classed, supervisor_zhejiang
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor_zhejiang)
    client.get(ranking_url(classed))  # the session is saved on the first request
    counts = []
    for query in ("?level=county&parent=330100&peer_class=1:山区26县",  # 2 regions
                  "?level=county&parent=330100",  # 13
                  "?level=county&peer_class=1:其他县",  # 83
                  "?level=county"):  # 90 # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ranking_url(classed, query)).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts


def test_the_profile_names_the_rank_in_the_parent_and_in_class(
    client, classed, supervisor_zhejiang
):
    client.force_login(supervisor_zhejiang)
    standing = Standing.objects.get(round=classed, region_id="330127")
    response = client.get(reverse("assessment:profile", args=[classed.pk, "330127"]))
    page = response.content.decode()
    assert f"杭州市内第 {standing.rank_in_parent} 名" in page
    assert f"山区26县（山区26县分类）中第 {standing.class_1_rank} 名" in page
