"""Administrators run rounds: create, open (a submission per region), close, extend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.collection.models import AuditEntry, Extension, Round, Submission
from assessment.collection.services.rounds import round_create, round_open
from tests.assessment.builders import make_open_round


def post_round(client, system, **changes):
    data = {
        "name": "浙江省2027年度评估",
        "period": "2027",
        "system": system.pk,
        "scope": "330000",
        "levels": ["city", "county"],
        "opens_at": "2027-03-01T09:00",
        "closes_at": "2027-04-30T18:00",
        "previous": "",
    }
    data.update(changes)
    return client.post(reverse("assessment:round_new"), data)


def test_administrators_create_a_draft_round_from_the_page(client, administrator, default_system):
    client.force_login(administrator)
    assert client.get(reverse("assessment:round_new")).status_code == 200
    response = post_round(client, default_system)
    round_ = Round.objects.get(period="2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:round_detail", args=[round_.pk])
    assert round_.status == "draft" and round_.scope_id == "330000"
    assert round_.levels == ["city", "county"]
    assert round_.closes_at.astimezone(timezone.get_current_timezone()).hour == 18
    assert not Submission.objects.filter(round=round_).exists()  # created when it opens


def test_the_round_form_reports_problems(client, administrator, default_system):
    client.force_login(administrator)
    response = post_round(
        client, default_system, scope="999999", levels=[], closes_at="2027-01-01T00:00"
    )
    assert response.status_code == 200
    assert not Round.objects.filter(period="2027").exists()
    assert response.content.decode().count("invalid-feedback") >= 2


def test_closing_must_follow_opening(client, administrator, default_system):
    client.force_login(administrator)
    response = post_round(client, default_system, closes_at="2027-02-01T00:00")
    assert response.status_code == 200 and not Round.objects.filter(period="2027").exists()


@pytest.mark.parametrize("opens_at", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:59"])
def test_dates_outside_this_century_are_a_form_error(
    client, administrator, default_system, opens_at
):
    """Year 1 in Asia/Shanghai is before the smallest datetime in UTC: it was a server error."""
    client.force_login(administrator)
    response = post_round(client, default_system, opens_at=opens_at)
    assert response.status_code == 200
    assert "2000" in response.content.decode() and "2099" in response.content.decode()
    assert not Round.objects.filter(period="2027").exists()


def test_the_admin_refuses_a_round_dated_year_one(client, administrator, default_system):
    client.force_login(administrator)
    data = {"name": "x", "period": "2027", "system": default_system.pk, "scope": "330000",
            "levels": '["city"]', "status": "draft", "method": "{}", "task_threshold": "60",
            "opens_at_0": "0001-01-01", "opens_at_1": "00:00:00",
            "closes_at_0": "2027-02-01", "closes_at_1": "00:00:00"}  # fmt: skip
    response = client.post(reverse("admin:collection_round_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["opens_at"]
    assert not Round.objects.filter(period="2027").exists()


@pytest.mark.parametrize("user", ["supervisor_zhejiang", "evaluator_zhejiang", "staff_xihu"])
def test_only_administrators_create_rounds(client, default_system, user, request):
    client.force_login(request.getfixturevalue(user))
    assert post_round(client, default_system).status_code == 403
    assert not Round.objects.filter(period="2027").exists()


def test_opening_creates_a_submission_for_every_participating_region(
    client, administrator, default_system, regions
):
    round_ = round_create(
        system=default_system,
        name="r",
        period="2027",
        scope=None,
        levels=["city"],
        opens_at=None,
        closes_at=None,
    )
    client.force_login(administrator)
    response = client.post(reverse("assessment:round_open", args=[round_.pk]))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == "open"
    assert Submission.objects.filter(round=round_).count() == 333  # every city of China
    assert set(Submission.objects.filter(round=round_).values_list("status", flat=True)) == {
        "not_started"
    }


def test_opening_a_nationwide_round_creates_3211_submissions_in_bulk(
    default_system, regions, django_assert_max_num_queries
):
    round_ = round_create(
        system=default_system,
        name="全国",
        period="2027",
        scope=None,
        levels=["province", "city", "county"],
        opens_at=None,
        closes_at=None,
    )
    # Bulk: a handful of reads, then inserts in batches (4 on PostgreSQL; ~36 on SQLite,
    # whose driver takes at most 999 parameters per statement) — never one per region.
    with django_assert_max_num_queries(50):
        created = round_open(round=round_, user=None)
    # The national preset: 31 provinces + 兵团 and their cities and counties; 台湾, 香港 and
    # 澳门 (province-level entries of the divisions list) are not enrolled.
    assert created == 3211 == Submission.objects.filter(round=round_).count()
    enrolled = set(Submission.objects.filter(round=round_).values_list("region_id", flat=True))
    assert "660000" in enrolled and not enrolled & {"710000", "810000", "820000"}
    provinces = Submission.objects.filter(round=round_, region__level="province").count()
    assert provinces == 32


def test_reopening_a_closed_round_adds_nothing(client, administrator, open_round):
    client.force_login(administrator)
    client.post(reverse("assessment:round_close", args=[open_round.pk]))
    open_round.refresh_from_db()
    assert open_round.status == "closed"
    client.post(reverse("assessment:round_open", args=[open_round.pk]))
    open_round.refresh_from_db()
    assert open_round.status == "open"
    assert Submission.objects.filter(round=open_round).count() == 101


def test_an_open_round_cannot_be_opened_again(client, administrator, open_round):
    client.force_login(administrator)
    response = client.post(reverse("assessment:round_open", args=[open_round.pk]), follow=True)
    assert "alert-danger" in response.content.decode()


@pytest.mark.parametrize("action", ["round_open", "round_close", "round_extend"])
def test_round_actions_need_post(client, administrator, open_round, action):
    client.force_login(administrator)
    assert client.get(reverse(f"assessment:{action}", args=[open_round.pk])).status_code == 405


@pytest.mark.parametrize(
    "action", ["round_open", "round_close", "round_extend", "round_detail", "round_edit"]
)
def test_round_actions_are_for_administrators(
    client, open_round, supervisor_zhejiang, staff_xihu, other_staff, action
):
    target = reverse(f"assessment:{action}", args=[open_round.pk])
    method = client.get if action == "round_detail" else client.post
    for user, status in [(supervisor_zhejiang, 403), (staff_xihu, 403), (other_staff, 404)]:
        client.force_login(user)
        assert method(target).status_code == status
    client.logout()
    assert method(target).status_code == 302
    open_round.refresh_from_db()
    assert open_round.status == "open"


def test_an_extension_moves_one_regions_deadline(client, administrator, open_round):
    client.force_login(administrator)
    deadline = timezone.localtime(timezone.now() + timedelta(days=60))
    response = client.post(
        reverse("assessment:round_extend", args=[open_round.pk]),
        {"region": "330106", "closes_at": deadline.strftime("%Y-%m-%dT%H:%M"), "reason": "断网"},
    )
    assert response.status_code == 302
    extension = Extension.objects.get(submission__round=open_round)
    assert extension.submission.region_id == "330106" and extension.reason == "断网"
    entry = AuditEntry.objects.get(action="extension")
    assert entry.reason == "断网" and entry.actor == administrator and entry.new
    page = client.get(reverse("assessment:round_detail", args=[open_round.pk])).content.decode()
    assert "西湖区" in page and "断网" in page


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"region": "330106", "reason": ""}, "reason"),
        ({"region": "110101", "reason": "x"}, "not in round"),
        ({"region": "330106", "reason": "x", "closes_at": "2020-01-01T00:00"}, "past"),
        ({"region": "330106", "reason": "x", "closes_at": "0001-01-01T00:00"}, "year"),
    ],
)
def test_extensions_are_checked(client, administrator, open_round, fields, problem):
    client.force_login(administrator)
    data = {"closes_at": "2099-01-01T00:00", **fields}
    response = client.post(
        reverse("assessment:round_extend", args=[open_round.pk]), data, follow=True
    )
    assert "alert-danger" in response.content.decode()
    assert not Extension.objects.exists()


def test_round_list_shows_what_each_role_may_do(
    client, open_round, administrator, supervisor_hangzhou, evaluator_zhejiang
):
    target = reverse("assessment:round_list")
    client.force_login(administrator)
    page = client.get(target).content.decode()
    assert reverse("assessment:round_detail", args=[open_round.pk]) in page
    client.force_login(supervisor_hangzhou)
    page = client.get(target).content.decode()
    assert reverse("assessment:progress", args=[open_round.pk]) in page
    assert 'href="{}"'.format(reverse("assessment:round_detail", args=[open_round.pk])) not in page
    client.force_login(evaluator_zhejiang)
    page = client.get(target).content.decode()
    assert reverse("assessment:import", args=[open_round.pk]) in page


def test_round_edit_changes_dates_but_not_setup_once_open(client, administrator, open_round):
    client.force_login(administrator)
    target = reverse("assessment:round_edit", args=[open_round.pk])
    data = {
        "name": open_round.name,
        "period": open_round.period,
        "system": open_round.system_id,
        "scope": "330000",
        "levels": ["city", "county"],
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2099-06-30T18:00",
    }
    assert client.post(target, data).status_code == 302
    open_round.refresh_from_db()
    assert open_round.closes_at.year == 2099
    response = client.post(target, {**data, "levels": ["city"]})
    assert response.status_code == 200
    open_round.refresh_from_db()
    assert open_round.levels == ["city", "county"]


@pytest.mark.parametrize("size", [2, 50])
def test_round_list_queries_do_not_grow_with_rounds(
    client, default_system, regions, administrator, size, django_assert_num_queries
):
    for number in range(size):
        Round.objects.create(system=default_system, name=f"r{number}", period=str(2000 + number))
    make_open_round(default_system)
    client.force_login(administrator)
    # session, user, grants, rounds, grouped counts, the navigation's unread notifications,
    # session save (savepoint, update, release)
    with django_assert_num_queries(9):
        client.get(reverse("assessment:round_list"))


@pytest.mark.parametrize("size", [2, 50])
def test_round_page_queries_do_not_grow_with_extended_regions(
    client, open_round, administrator, size, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    deadline = timezone.now() + timedelta(days=5)
    user = get_user_model().objects.get(username="admin")
    Extension.objects.bulk_create(
        Extension(submission=s, closes_at=deadline, reason="r", granted_by=user)
        for s in Submission.objects.filter(round=open_round)[:size]
    )
    client.force_login(administrator)
    # session, user, grants, round, grouped counts, extensions with regions and granters,
    # rounds with rectification tasks and indicators (the completion-rate card), the round's
    # verification policy and its leaves (the verification card), the round's expert panel (the
    # panel card), the platform-fed leaves and the values that arrived (the platform data
    # card), the navigation's unread notifications, session save (savepoint, update, release)
    with django_assert_num_queries(17):
        response = client.get(reverse("assessment:round_detail", args=[open_round.pk]))
    assert len(response.context["extensions"]) == size


def test_the_rectification_line_is_set_with_the_round(client, administrator, default_system):
    client.force_login(administrator)
    post_round(client, default_system)
    assert Round.objects.get(period="2027").task_threshold == 60  # empty: the default
    round_ = Round.objects.get(period="2027")
    page = client.get(reverse("assessment:round_edit", args=[round_.pk])).content.decode()
    assert "整改线" in page
    post_round(client, default_system, period="2028", task_threshold="55.5")
    assert Round.objects.get(period="2028").task_threshold == 55.5
    response = post_round(client, default_system, period="2029", task_threshold="120")
    assert response.status_code == 200 and not Round.objects.filter(period="2029").exists()


# --- Participants and classification schemes --------------------------------------------------


def test_the_form_sets_exclusions_inclusions_and_schemes(client, administrator, default_system):
    from assessment.regions.models import Classification

    schemes = [Classification.objects.create(code=f"s{i}", name_zh=f"分类{i}") for i in range(4)]
    client.force_login(administrator)
    page = client.get(reverse("assessment:round_new")).content.decode()
    assert "710000 810000 820000" in page  # a new round starts from the national preset
    response = post_round(client, default_system, excluded="330100", included="320100，310000",
                          classifications=[schemes[0].pk])  # fmt: skip
    assert response.status_code == 302
    round_ = Round.objects.get(period="2027")
    assert (round_.excluded, round_.included) == (["330100"], ["320100", "310000"])
    assert list(round_.classifications.all()) == [schemes[0]]
    codes = set(round_.participating_regions().values_list("code", flat=True))
    assert "330106" not in codes and "330100" not in codes  # Hangzhou's subtree is out
    # Nanjing joins from outside the scope; an included region takes part whatever its level.
    assert {"330200", "330203", "320100", "310000"} <= codes
    assert "310101" not in codes  # ... but alone, not with its subtree


def test_unknown_codes_and_too_many_schemes_are_form_errors(client, administrator, default_system):
    from assessment.regions.models import Classification

    schemes = [Classification.objects.create(code=f"s{i}", name_zh=f"分类{i}") for i in range(4)]
    client.force_login(administrator)
    response = post_round(client, default_system, excluded="330100 999999 abc",
                          classifications=[s.pk for s in schemes])  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "999999" in errors["excluded"][0] and "abc" in errors["excluded"][0]
    assert errors["classifications"]
    assert not Round.objects.filter(period="2027").exists()


def test_a_new_round_starts_from_the_newest_version(client, administrator, default_system):
    from indicators.services import DEFAULT_SYSTEM_V2_PATH, load_system_file

    v2, _ = load_system_file(DEFAULT_SYSTEM_V2_PATH)
    client.force_login(administrator)
    form = client.get(reverse("assessment:round_new")).context["form"]
    assert form["system"].value() == v2.pk
    page = client.get(reverse("assessment:round_new")).content.decode()
    assert f'<option value="{v2.pk}" selected>' in page
