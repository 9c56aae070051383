"""Verification blocks (核验分工): an administrator divides a round among evaluators; each then
verifies only the regions × indicators of their own blocks, and the page shows how far each
evaluator is."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.collection.models import RoundStatus
from assessment.regions.models import Role
from assessment.verification.models import Block, Verification, VerificationPolicy
from tests.assessment.builders import fill_values, make_round
from tests.assessment.verification.test_verify import BINJIANG, XIHU, post, url
from tests.conftest import make_user

HAISHU = "330203"  # 宁波市海曙区


@pytest.fixture
def round_(regions, default_system):
    round_ = make_round(default_system, status=RoundStatus.CLOSED)
    fill_values(round_, [XIHU, BINJIANG, HAISHU])
    return round_


@pytest.fixture
def second_evaluator(regions):
    return make_user("evaluator-2", "330000", Role.EVALUATOR)


def blocks_url(round_) -> str:
    return reverse("assessment:verification_blocks", args=[round_.pk])


def assign(client, round_, user, region="330100", indicators="DS"):
    return client.post(
        blocks_url(round_), {"verifier": user.pk, "region": region, "indicators": indicators}
    )


def test_an_administrator_assigns_a_block_and_sees_its_progress(
    client, round_, administrator, evaluator_zhejiang
):
    client.force_login(administrator)
    assert assign(client, round_, evaluator_zhejiang, indicators="ds, SV.2.1").status_code == 302
    block = Block.objects.get(round=round_)
    assert (block.verifier, block.region_id, block.indicator_codes) == (
        evaluator_zhejiang, "330100", ["DS", "SV.2.1"]
    )  # fmt: skip
    leaves = round_.system.indicators.filter(code__startswith="DS.").exclude(value_type="").count()
    page = client.get(blocks_url(round_)).content.decode()
    row = page.split(f'data-testid="block-{block.pk}"')[1].split("</tr>")[0]
    # 西湖区 and 滨江区 are under 杭州市; 海曙区 is not.
    assert f"0 / {2 * (leaves + 1)}" in row
    client.force_login(evaluator_zhejiang)
    post(client, round_, {"DS.1.1": {"action": "confirm"}})
    client.force_login(administrator)
    page = client.get(blocks_url(round_)).content.decode()
    assert f"1 / {2 * (leaves + 1)}" in page.split(f'data-testid="block-{block.pk}"')[1]


def test_a_block_bound_evaluator_verifies_only_their_cells(
    client, round_, administrator, evaluator_zhejiang, second_evaluator
):
    client.force_login(administrator)
    assign(client, round_, evaluator_zhejiang, indicators="DS")
    client.force_login(evaluator_zhejiang)
    page = client.get(url(round_)).content.decode()
    assert 'data-testid="verify-row-DS.1.1"' in page
    assert 'data-testid="verify-row-SV.1.1"' not in page
    # A posted decision outside the block is not saved, even if crafted by hand.
    post(client, round_, {"DS.1.1": {"action": "confirm"}, "SV.1.1": {"action": "confirm"}})
    assert list(Verification.objects.values_list("indicator__code", flat=True)) == ["DS.1.1"]
    sample = reverse("assessment:sample_sheet", args=[round_.pk, XIHU, "SV.2.1"])
    assert client.get(sample).status_code == 403  # a sample-audit indicator of no block of theirs
    assert client.get(url(round_, HAISHU)).status_code == 403  # 宁波: outside their block
    queue = client.get(reverse("assessment:verification_queue"), {"round": round_.pk})
    text = queue.content.decode()
    assert f"queue-row-{round_.pk}-{XIHU}" in text and f"queue-row-{round_.pk}-{HAISHU}" not in text
    leaves = round_.system.indicators.filter(code__startswith="DS.").exclude(value_type="").count()
    assert f"1 / {leaves}" in text
    # An evaluator with no block in a divided round verifies nothing of it.
    client.force_login(second_evaluator)
    assert client.get(url(round_)).status_code == 403
    queue = client.get(reverse("assessment:verification_queue"), {"round": round_.pk})
    assert f"queue-row-{round_.pk}-" not in queue.content.decode()


def test_supervisors_who_verify_and_administrators_are_not_bound(
    client, round_, administrator, evaluator_zhejiang, supervisor_zhejiang
):
    VerificationPolicy.objects.create(round=round_, supervisors_verify=True)
    client.force_login(administrator)
    assign(client, round_, evaluator_zhejiang)
    for user in (administrator, supervisor_zhejiang):
        client.force_login(user)
        assert 'data-testid="verify-row-SV.1.1"' in client.get(url(round_, HAISHU)).content.decode()


def test_removing_the_last_block_gives_the_round_back_to_every_evaluator(
    client, round_, administrator, evaluator_zhejiang, second_evaluator
):
    client.force_login(administrator)
    assign(client, round_, evaluator_zhejiang)
    block = Block.objects.get()
    remove = reverse("assessment:verification_block_remove", args=[round_.pk, block.pk])
    assert client.post(remove).status_code == 302
    assert not Block.objects.exists()
    assert client.post(remove).status_code == 404
    client.force_login(second_evaluator)
    assert 'data-testid="verify-row-SV.1.1"' in client.get(url(round_)).content.decode()


@pytest.mark.parametrize(
    ("region", "indicators", "message"),
    [
        ("999999", "", "999999"),  # no such region
        ("12", "", "6"),  # not a code
        ("110000", "", "evaluator"),  # 北京: outside the evaluator's province
        ("330100", "DS XX.9", "XX.9"),  # not an indicator of the system
    ],
)
def test_a_block_that_cannot_be_is_refused_with_a_reason(
    client, round_, administrator, evaluator_zhejiang, region, indicators, message
):
    client.force_login(administrator)
    response = assign(client, round_, evaluator_zhejiang, region=region, indicators=indicators)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Block.objects.exists()


def test_a_user_who_is_no_evaluator_cannot_be_given_a_block(
    client, round_, administrator, supervisor_zhejiang
):
    client.force_login(administrator)
    assert assign(client, round_, supervisor_zhejiang).status_code == 400
    assert not Block.objects.exists()


def test_only_administrators_divide_a_round(
    client, round_, evaluator_zhejiang, supervisor_zhejiang, staff_xihu
):
    for user in (evaluator_zhejiang, supervisor_zhejiang, staff_xihu):
        client.force_login(user)
        assert client.get(blocks_url(round_)).status_code in (403, 404)
        assert assign(client, round_, evaluator_zhejiang).status_code in (403, 404)
    assert not Block.objects.exists()


def test_the_blocks_page_and_a_bound_queue_take_the_same_queries_for_more_blocks(
    client, round_, administrator, evaluator_zhejiang, second_evaluator
):
    client.force_login(administrator)
    assign(client, round_, evaluator_zhejiang)
    client.get(blocks_url(round_))
    with CaptureQueriesContext(connection) as few:
        client.get(blocks_url(round_))
    client.force_login(evaluator_zhejiang)
    queue = reverse("assessment:verification_queue")
    client.get(queue)
    with CaptureQueriesContext(connection) as queue_few:
        client.get(queue, {"round": round_.pk})
    client.force_login(administrator)
    for region, user in (("330200", evaluator_zhejiang), ("330100", second_evaluator),
                         ("330000", second_evaluator)):  # fmt: skip
        assign(client, round_, user, region=region, indicators="SV BL")
    fill_values(round_, ["330109", "330110", "330205", "330206"])
    client.get(blocks_url(round_))  # shows the messages of the assignments (a session write)
    with CaptureQueriesContext(connection) as more:
        client.get(blocks_url(round_))
    assert len(more) == len(few), "\n".join(q["sql"][:90] for q in more.captured_queries)
    client.force_login(evaluator_zhejiang)
    client.get(queue)
    with CaptureQueriesContext(connection) as queue_more:
        assert client.get(queue, {"round": round_.pk}).status_code == 200
    assert len(queue_more) == len(queue_few)
