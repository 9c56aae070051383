"""Shared practices: who may share (top 10% of peers or invited), approval before other
regions see them, the library's search and filters, and its fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.rectification.models import Practice, PracticeEvidence, PracticeStatus
from assessment.rectification.services.practices import (
    PracticeInput,
    eligible_leaves,
    practice_approve,
    practice_create,
    practice_invite,
    top_cutoff,
)
from assessment.regions.models import Region
from assessment.results.models import Result
from tests.assessment.conftest import upload
from tests.assessment.files import PDF_BYTES

TEXT = PracticeInput("目录编制三步法", "统一模板、逐部门过堂、月度通报。", "覆盖率达到 100%。",
                     "县大数据局 · 张三", files=[], links=[])  # fmt: skip


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def leaf(round_, code: str = "DS.1.1"):
    return round_.system.indicators.get(code=code)


@pytest.fixture
def ranked(published):
    """Counties ranked on DS.1.1 among 30 peers: 滨江 1st, 西湖 4th (top 10% is ranks 1–3)."""
    Result.objects.filter(round=published, indicator__code="DS.1.1", region_id="330108").update(
        rank=1
    )
    Result.objects.filter(round=published, indicator__code="DS.1.1", region_id="330106").update(
        rank=4
    )
    published.peer_stats.filter(indicator__code="DS.1.1").update(count=30)
    return published


def test_the_top_ten_percent_of_peers(ranked):
    assert [top_cutoff(n) for n in (1, 9, 10, 11, 30, 2846)] == [1, 1, 1, 2, 3, 285]
    assert [e.code for e in eligible_leaves(round_=ranked, region=region("330108"))] == ["DS.1.1"]
    assert eligible_leaves(round_=ranked, region=region("330106")) == []


def test_only_eligible_regions_share(ranked, staff_binjiang, staff_xihu):
    practice = practice_create(round_=ranked, region=region("330108"), indicator=leaf(ranked),
                               user=staff_binjiang, data=TEXT)  # fmt: skip
    assert practice.status == PracticeStatus.PENDING and (practice.rank, practice.peers) == (1, 30)
    with pytest.raises(ValidationError, match="前 10%"):
        practice_create(round_=ranked, region=region("330106"), indicator=leaf(ranked),
                        user=staff_xihu, data=TEXT)  # fmt: skip


def test_an_invitation_makes_a_region_eligible(ranked, supervisor_hangzhou, staff_xihu):
    practice_invite(round_=ranked, region=region("330106"), indicator=leaf(ranked),
                    user=supervisor_hangzhou)  # fmt: skip
    entries = eligible_leaves(round_=ranked, region=region("330106"))
    assert [(e.code, e.invited, e.top) for e in entries] == [("DS.1.1", True, False)]
    practice = practice_create(round_=ranked, region=region("330106"), indicator=leaf(ranked),
                               user=staff_xihu, data=TEXT)  # fmt: skip
    assert practice.invited


def test_the_share_form_lists_eligible_indicators_and_refuses_others(
    client, ranked, staff_binjiang, staff_xihu
):
    url = reverse("assessment:practice_new", args=[ranked.pk, "330108"])
    client.force_login(staff_binjiang)
    page = client.get(url).content.decode()
    assert "DS.1.1 政务数据目录编制覆盖率" in page and "DS.1.2" not in page
    response = client.post(url, {"indicator": leaf(ranked).pk, "title": TEXT.title,
                                 "description": TEXT.description, "results": TEXT.results,
                                 "contacts": TEXT.contacts,
                                 "files": upload("做法.pdf", PDF_BYTES)})  # fmt: skip
    practice = Practice.objects.get()
    assert response["Location"] == reverse("assessment:practice_detail", args=[practice.pk])
    assert PracticeEvidence.objects.get().original_name == "做法.pdf"
    client.force_login(staff_xihu)
    mine = reverse("assessment:practice_new", args=[ranked.pk, "330106"])
    assert 'data-testid="not-eligible"' in client.get(mine).content.decode()
    refused = client.post(mine, {"indicator": leaf(ranked).pk, "title": "x", "description": "x",
                                 "results": "x", "contacts": "x"})  # fmt: skip
    assert refused.status_code == 200 and Practice.objects.count() == 1


@pytest.fixture
def pending(ranked, staff_binjiang) -> Practice:
    practice = practice_create(round_=ranked, region=region("330108"), indicator=leaf(ranked),
                               user=staff_binjiang, data=TEXT)  # fmt: skip
    return practice


def test_unapproved_practices_are_invisible_to_other_regions(
    client, pending, staff_binjiang, supervisor_hangzhou, staff_xihu, evaluator_zhejiang,
    supervisor_ningbo,
):  # fmt: skip
    url = reverse("assessment:practice_detail", args=[pending.pk])
    library = reverse("assessment:practice_library")
    for user, status in ((staff_binjiang, 200), (supervisor_hangzhou, 200), (staff_xihu, 404),
                         (evaluator_zhejiang, 404), (supervisor_ningbo, 404)):  # fmt: skip
        client.force_login(user)
        assert client.get(url).status_code == status
        listed = TEXT.title in client.get(library).content.decode()
        assert listed is (status == 200)


def test_a_supervisor_approves_and_everyone_reads_it(
    client, pending, supervisor_hangzhou, staff_xihu, staff_binjiang, staff_haishu
):
    approve = reverse("assessment:practice_approve", args=[pending.pk])
    client.force_login(staff_binjiang)
    assert client.post(approve).status_code == 403  # its own staff cannot approve it
    client.force_login(supervisor_hangzhou)
    assert client.post(approve).status_code == 302
    pending.refresh_from_db()
    assert pending.status == PracticeStatus.APPROVED and pending.reviewed_by == supervisor_hangzhou
    for user in (staff_xihu, staff_haishu):
        client.force_login(user)
        url = reverse("assessment:practice_detail", args=[pending.pk])
        assert client.get(url).status_code == 200
        # They read it, but the region is not theirs to supervise (nor to see): 404.
        assert client.post(approve).status_code == 404


def test_return_needs_a_note_and_editing_asks_for_approval_again(
    client, pending, supervisor_hangzhou, staff_binjiang
):
    client.force_login(supervisor_hangzhou)
    back = reverse("assessment:practice_return", args=[pending.pk])
    client.post(back, {"note": ""})
    pending.refresh_from_db()
    assert pending.status == PracticeStatus.PENDING
    client.post(back, {"note": "请补充数据"})
    pending.refresh_from_db()
    assert pending.status == PracticeStatus.RETURNED and pending.review_note == "请补充数据"
    client.force_login(staff_binjiang)
    edit = reverse("assessment:practice_edit", args=[pending.pk])
    client.post(edit, {"title": "目录编制三步法（修订）", "description": "补充了数据。",
                       "results": "覆盖率 100%。", "contacts": "张三"})  # fmt: skip
    pending.refresh_from_db()
    assert pending.status == PracticeStatus.PENDING and pending.title.endswith("（修订）")
    client.force_login(supervisor_hangzhou)
    assert client.get(edit).status_code == 403  # supervisors approve, the region writes


def test_the_task_page_shows_practices_of_strong_peers(client, pending, supervisor_hangzhou,
                                                       staff_xihu, xihu_task):  # fmt: skip
    client.force_login(staff_xihu)
    url = reverse("assessment:task_detail", args=[xihu_task.pk])
    assert TEXT.title not in client.get(url).content.decode()  # not approved yet
    practice_approve(practice=pending, user=supervisor_hangzhou)
    page = client.get(url).content.decode()
    assert TEXT.title in page and "滨江区" in page
    assert f'href="/practices/{pending.pk}/"' in page


def make_practices(round_, count: int) -> None:
    codes = list(Region.objects.filter(code__startswith="33", level="county")
                 .order_by("code").values_list("code", flat=True)[:count])  # fmt: skip
    leaves = list(round_.system.indicators.exclude(value_type="").order_by("order"))
    Practice.objects.bulk_create(
        Practice(round=round_, region_id=code, indicator=leaves[i % len(leaves)],
                 title=f"案例 {i}", description="做法", results="成效", contacts="联系人",
                 status=PracticeStatus.APPROVED)
        for i, code in enumerate(codes)
    )  # fmt: skip


def test_search_and_filters(client, published, staff_xihu):
    make_practices(published, 6)
    Practice.objects.filter(title="案例 2").update(description="一网通办的窗口改造")
    client.force_login(staff_xihu)
    library = reverse("assessment:practice_library")

    def titles(query: str) -> set[str]:
        page = client.get(library + query).context["page"]
        return {p.title for p in page}

    assert titles("?q=一网通办") == {"案例 2"}
    assert titles("?q=案例 4") == {"案例 4"}
    assert titles("?indicator=DS.1.2") == {"案例 1"}
    assert titles("?area=DS") == {f"案例 {i}" for i in range(6)}  # the first leaves are DS
    first = Region.objects.filter(code__startswith="33", level="county").order_by("code").first()
    assert titles(f"?region={first.code}") == {"案例 0"}
    assert titles(f"?region={first.name}") == {"案例 0"}
    assert titles("?region=330200") == set()  # Ningbo's subtree


@pytest.mark.parametrize("count", [2, 50])
def test_the_library_runs_a_fixed_number_of_queries(
    client, published, staff_xihu, count, django_assert_num_queries
):
    make_practices(published, count)
    client.force_login(staff_xihu)
    # session, user, memberships, count, page of practices (with region, indicator, round),
    # indicator choices, the navigation's unread notifications, then the session save (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("assessment:practice_library"))
    assert response.status_code == 200
