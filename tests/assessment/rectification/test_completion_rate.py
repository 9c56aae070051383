"""The completion rate feeds the next round: written into its drafts through the entry
form's saving service (audited, versioned), never into submitted or approved ones."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from assessment.collection.models import (
    AuditEntry,
    AuditSource,
    Submission,
    SubmissionStatus,
    Value,
)
from assessment.rectification.services.completion_rate import completion_rates, fill_completion_rate
from assessment.rectification.services.tasks import TaskAnswer, task_answer, task_mark_done
from assessment.rectification.views.completion import FILL_QUESTION
from indicators.models import Indicator
from tests.assessment.builders import make_open_round

INDICATOR = "DS.1.1"  # a percentage, 0–100


@pytest.fixture
def next_round(published, default_system):
    """The next round, open for entry: 西湖区 has a draft, 海曙区 has submitted."""
    round_ = make_open_round(default_system, period="2026", name="2026")
    Submission.objects.filter(round=round_, region_id="330203").update(
        status=SubmissionStatus.SUBMITTED
    )
    return round_


def test_rates_are_done_and_verified_over_all_tasks(published, xihu_task, staff_xihu):
    assert completion_rates(round_=published) == {"330106": Decimal("0.00"),
                                                  "330203": Decimal("0.00")}  # fmt: skip
    task_answer(task=xihu_task, user=staff_xihu, answer=TaskAnswer(plan="方案"))
    task_mark_done(task=xihu_task, user=staff_xihu)
    assert completion_rates(round_=published)["330106"] == Decimal("33.33")


def test_the_rate_is_written_to_drafts_and_locked_ones_are_reported(
    published, next_round, xihu_task, staff_xihu, administrator
):
    task_answer(task=xihu_task, user=staff_xihu, answer=TaskAnswer(plan="方案"))
    task_mark_done(task=xihu_task, user=staff_xihu)
    xihu = Submission.objects.get(round=next_round, region_id="330106")
    before = xihu.version
    report = fill_completion_rate(from_round=published, to_round=next_round,
                                  indicator_code=INDICATOR, user=administrator)  # fmt: skip
    assert report.written == {"330106": Decimal("33.33")}
    assert report.locked == {"330203": "已提交"}
    assert report.without_tasks == next_round.participating_regions().count() - 2
    xihu.refresh_from_db()
    assert xihu.version == before + 1 and xihu.status == SubmissionStatus.DRAFT
    value = Value.objects.get(submission=xihu, indicator__code=INDICATOR)
    assert value.value == Decimal("33.33") and value.updated_by == administrator
    entry = AuditEntry.objects.get(submission=xihu, indicator__code=INDICATOR)
    assert (entry.source, entry.old, entry.new, entry.actor) == (
        AuditSource.TASKS,
        "",
        "33.33",
        administrator,
    )
    assert not Value.objects.filter(submission__round=next_round, submission__region_id="330203")
    again = fill_completion_rate(from_round=published, to_round=next_round,
                                 indicator_code=INDICATOR)  # fmt: skip
    assert again.written == {} and again.unchanged == ["330106"]


def test_a_closed_window_is_reported_not_forced(published, next_round):
    next_round.status = "closed"
    next_round.save()
    report = fill_completion_rate(from_round=published, to_round=next_round,
                                  indicator_code=INDICATOR)  # fmt: skip
    assert report.written == {} and "330106" in report.locked


def test_the_indicator_must_be_one_of_the_next_round(published, next_round):
    with pytest.raises(ValidationError, match="不是"):
        fill_completion_rate(from_round=published, to_round=next_round, indicator_code="DS")
    with pytest.raises(ValidationError):
        fill_completion_rate(from_round=published, to_round=published, indicator_code=INDICATOR)


def test_the_command(published, next_round, administrator, capsys):
    call_command("fill_completion_rate", "--from-round", str(published.pk), "--to-round",
                 str(next_round.pk), "--indicator", INDICATOR, "--user", "admin")  # fmt: skip
    out = capsys.readouterr().out
    assert "DS.1.1" in out and "1 region(s)" in out and "skipped 330203" in out
    assert Value.objects.get(submission__round=next_round, submission__region_id="330106",
                             indicator__code=INDICATOR).value == Decimal("0")  # fmt: skip


# The same, as a button on the round's page (administrators only).


def fill_url(round_):
    return reverse("assessment:round_fill_completion", args=[round_.pk])


def test_the_round_page_offers_rounds_with_tasks_and_number_indicators(
    client, published, next_round, administrator
):
    client.force_login(administrator)
    page = client.get(reverse("assessment:round_detail", args=[next_round.pk]))
    [form] = [
        section["form"]
        for template, section in page.context["sections"]
        if template == "rectification/_round_completion.html"
    ]
    assert form.fields["source"].choices == [(published.pk, str(published))]
    codes = [code for code, _label in form.fields["indicator"].choices]
    assert "DS.1.1" in codes and "DS" not in codes  # leaves only
    assert all(
        leaf.value_type in ("percent", "number")
        for leaf in Indicator.objects.filter(system=next_round.system, code__in=codes)
    )
    assert 'data-testid="completion-form"' in page.content.decode()


def test_the_button_writes_the_rates_and_lists_what_it_left_alone(
    client, published, next_round, xihu_task, staff_xihu, administrator
):
    task_answer(task=xihu_task, user=staff_xihu, answer=TaskAnswer(plan="方案"))
    task_mark_done(task=xihu_task, user=staff_xihu)
    client.force_login(administrator)
    response = client.post(
        fill_url(next_round),
        {"source": published.pk, "indicator": INDICATOR, "confirm": "yes"},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("写入 1 个地区" in text for text in texts), texts
    assert any("海曙区 330203（已提交）" in text for text in texts), texts
    value = Value.objects.get(submission__round=next_round, submission__region_id="330106",
                              indicator__code=INDICATOR)  # fmt: skip
    assert value.value == Decimal("33.33") and value.updated_by == administrator


def test_a_bad_choice_is_reported_and_writes_nothing(client, published, next_round, administrator):
    client.force_login(administrator)
    response = client.post(
        fill_url(next_round),
        {"source": published.pk, "indicator": "DS", "confirm": "yes"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("assessment:round_detail",
                                                    args=[next_round.pk])  # fmt: skip
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Value.objects.filter(submission__round=next_round)


def test_only_administrators_may_fill(client, published, next_round, supervisor_hangzhou):
    client.force_login(supervisor_hangzhou)
    response = client.post(
        fill_url(next_round), {"source": published.pk, "indicator": INDICATOR, "confirm": "yes"}
    )
    assert response.status_code == 403
    assert not Value.objects.filter(submission__round=next_round)
    assert client.get(fill_url(next_round)).status_code == 405


# Confirmation: the button asks with the number of drafts it overwrites; without confirm=yes
# nothing is written.


def test_the_button_asks_how_many_drafts_it_overwrites(
    client, published, next_round, xihu_task, administrator
):
    client.force_login(administrator)
    page = client.get(reverse("assessment:round_detail", args=[next_round.pk]))
    [section] = [
        section
        for template, section in page.context["sections"]
        if template == "rectification/_round_completion.html"
    ]
    # 西湖区 and 海曙区 have tasks; 海曙区 has submitted: one draft is overwritten.
    question = str(FILL_QUESTION % {"source": str(published), "count": 1})
    assert json.loads(section["questions"]) == {str(published.pk): question}
    html = page.content.decode()
    assert 'data-confirm-by="source"' in html and 'name="confirm" value="yes"' in html


def test_without_the_confirmation_nothing_is_written(
    client, published, next_round, xihu_task, administrator
):
    client.force_login(administrator)
    response = client.post(fill_url(next_round), {"source": published.pk, "indicator": INDICATOR})
    assert response.status_code == 400
    assert 'data-testid="confirm-required"' in response.content.decode()
    assert not Value.objects.filter(submission__round=next_round).exists()
    assert not AuditEntry.objects.filter(submission__round=next_round).exists()
