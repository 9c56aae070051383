"""Last round's value beside each field of the entry and review forms, with the change: the
round's previous round, same region, indicators matched by code where the value types agree."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.collection.models import Submission, SubmissionStatus
from assessment.collection.selectors.entry import entry_page
from assessment.collection.services.submissions import submission_submit
from indicators.models import Indicator, ValueType
from indicators.services import system_new_version, system_publish
from tests.assessment.builders import fill_values, make_round
from tests.assessment.conftest import entry_url, fill

# Last round: DS.1.1 46.5 %, DS.5.1 L2, PP.2.3 no; fill() enters 50, L3 and yes now.
EARLIER = {"DS.1.1": Decimal("46.5"), "DS.5.1": Decimal(2), "PP.2.3": Decimal(0)}


def earlier_round(system, status=SubmissionStatus.APPROVED):
    round_ = make_round(system, period="2025")
    fill_values(
        round_, ["330106"], value=lambda region, leaf: EARLIER.get(leaf.code), status=status
    )
    return round_


@pytest.fixture
def with_previous(xihu, default_system):
    """Xihu's submission in a round whose previous round has its approved values."""
    xihu.round.previous = earlier_round(default_system)
    xihu.round.save(update_fields=["previous"])
    return Submission.objects.select_related("round", "region").get(pk=xihu.pk)


def block(page: str, code: str) -> str:
    return page.split(f'data-testid="previous-{code}"')[1].split("</div>")[0]


def test_staff_see_last_rounds_value_and_the_change_beside_each_field(
    client, with_previous, staff_xihu
):
    fill(with_previous, staff_xihu)
    client.force_login(staff_xihu)
    page = client.get(entry_url(with_previous)).content.decode()
    assert " 46.5 % → +3.5" in block(page, "DS.1.1")
    assert " L2 → +1" in block(page, "DS.5.1")
    assert block(page, "PP.2.3").endswith(" 否")  # yes/no: no change to count
    assert 'data-testid="previous-DS.1.2"' not in page  # no value last round


def test_the_reviewer_sees_them_on_the_submitted_form(
    client, with_previous, staff_xihu, supervisor_hangzhou
):
    fill(with_previous, staff_xihu)
    submission_submit(submission=with_previous, user=staff_xihu)
    client.force_login(supervisor_hangzhou)
    page = client.get(entry_url(with_previous)).content.decode()
    assert 'name="value-DS.1.1"' not in page  # the read-only rows
    assert "46.5 %" in block(page, "DS.1.1") and "→ +3.5" in block(page, "DS.1.1")


def test_no_change_before_a_value_is_entered(with_previous):
    rows = {row.code: row for row in entry_page(submission=with_previous).rows}
    assert rows["DS.1.1"].previous == Decimal("46.5") and rows["DS.1.1"].change_text == ""


def test_nothing_without_a_previous_round(client, xihu, staff_xihu):
    fill(xihu, staff_xihu)
    client.force_login(staff_xihu)
    page = client.get(entry_url(xihu)).content.decode()
    assert 'data-testid="previous-' not in page


def test_only_approved_values_of_the_previous_round_count(xihu, default_system):
    xihu.round.previous = earlier_round(default_system, status=SubmissionStatus.DRAFT)
    xihu.round.save(update_fields=["previous"])
    rows = entry_page(submission=xihu).rows
    assert all(row.previous is None for row in rows)


def test_another_system_version_matches_by_code_where_the_value_types_agree(xihu, default_system):
    draft = system_new_version(system=default_system)
    Indicator.objects.filter(system=draft, code="DS.1.1").update(value_type=ValueType.NUMBER)
    older = system_publish(system=draft)
    xihu.round.previous = earlier_round(older)
    xihu.round.save(update_fields=["previous"])
    rows = {row.code: row for row in entry_page(submission=xihu).rows}
    assert rows["DS.1.1"].previous is None  # a number then, a percentage now
    assert rows["DS.5.1"].previous == 2 and rows["PP.2.3"].previous == 0
