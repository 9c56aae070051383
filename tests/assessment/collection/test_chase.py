"""催报 from the completeness page: supervisors remind regions that have not handed in, at most
once a day per region, only in their own subtree; each reminder is logged and notifies the
region's staff."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessment.collection.models import Chase, Submission
from assessment.collection.services.rounds import round_close
from assessment.collection.views.progress import CHASED, LEFT_OUT
from assessment.notifications.models import Kind, Notification, Preference

XIHU, BINJIANG, HAISHU = "330106", "330108", "330203"


def chase_url(round_) -> str:
    return reverse("assessment:progress_chase", args=[round_.pk])


def progress_url(round_) -> str:
    return reverse("assessment:progress", args=[round_.pk])


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def chase(client, django_capture_on_commit_callbacks):
    def post(user, round_, data):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(chase_url(round_), data)

    return post


def test_a_supervisor_reminds_the_chosen_regions_and_their_staff_are_told(
    chase, open_round, supervisor_hangzhou, staff_xihu, staff_binjiang
):
    staff_xihu.email = "xihu@example.gov.cn"
    staff_xihu.save()
    Preference.objects.create(user=staff_xihu, email_immediately=True)
    response = chase(supervisor_hangzhou, open_round, {"region": [XIHU, BINJIANG]})
    assert (
        response.status_code == 302
        and response["Location"] == progress_url(open_round) + "?chased=1#chase-form"
    )
    assert said(response) == [str(CHASED % {"chased": 2, "skipped": 0})]
    rows = Chase.objects.select_related("submission").order_by("submission__region_id")
    assert [(c.submission.region_id, c.chased_by, c.day) for c in rows] == [
        (XIHU, supervisor_hangzhou, timezone.localdate()),
        (BINJIANG, supervisor_hangzhou, timezone.localdate()),
    ]
    reminders = Notification.objects.filter(kind=Kind.CHASE).order_by("region_code")
    assert [(n.recipient, n.region_code) for n in reminders] == [
        (staff_xihu, XIHU), (staff_binjiang, BINJIANG),
    ]  # fmt: skip
    assert [m.to for m in mail.outbox] == [["xihu@example.gov.cn"]]


def test_at_most_once_a_day_per_region_and_the_page_says_how_many_were_skipped(
    chase, open_round, supervisor_hangzhou, supervisor_zhejiang, staff_xihu
):
    chase(supervisor_hangzhou, open_round, {"region": [XIHU]})
    response = chase(supervisor_zhejiang, open_round, {"region": [XIHU, BINJIANG, "330102"]})
    assert said(response) == [str(CHASED % {"chased": 2, "skipped": 1})]
    assert Chase.objects.filter(submission__region_id=XIHU).count() == 1
    assert Notification.objects.filter(kind=Kind.CHASE, recipient=staff_xihu).count() == 1
    # The next day it may be chased again.
    Chase.objects.update(day=timezone.localdate() - timezone.timedelta(days=1))
    response = chase(supervisor_hangzhou, open_round, {"region": [XIHU]})
    assert said(response) == [str(CHASED % {"chased": 1, "skipped": 0})]
    assert Notification.objects.filter(kind=Kind.CHASE, recipient=staff_xihu).count() == 2


def test_only_regions_of_ones_subtree_that_have_not_handed_in(
    chase, open_round, supervisor_hangzhou, staff_haishu
):
    Submission.objects.filter(round=open_round, region_id=BINJIANG).update(status="submitted")
    response = chase(supervisor_hangzhou, open_round, {"region": [XIHU, BINJIANG, HAISHU]})
    assert said(response) == [
        str(CHASED % {"chased": 1, "skipped": 0}),
        str(LEFT_OUT % {"count": 2}),
    ]
    assert list(Chase.objects.values_list("submission__region_id", flat=True)) == [XIHU]
    assert not Notification.objects.filter(recipient=staff_haishu, kind=Kind.CHASE).exists()


def test_remind_every_region_not_started_in_ones_subtree(chase, open_round, supervisor_hangzhou):
    Submission.objects.filter(round=open_round, region_id=XIHU).update(status="draft")
    Submission.objects.filter(round=open_round, region_id=BINJIANG).update(status="approved")
    chase(supervisor_hangzhou, open_round, {"not_started": "1"})
    chased = set(Chase.objects.values_list("submission__region_id", flat=True))
    hangzhou = set(
        Submission.objects.filter(round=open_round, region__code__startswith="3301").values_list(
            "region_id", flat=True
        )
    )
    assert chased == hangzhou - {XIHU, BINJIANG} and len(chased) == 12


def test_hostile_codes_are_ignored(chase, open_round, supervisor_hangzhou):
    response = chase(supervisor_hangzhou, open_round,
                     {"region": ["²³⁴⁵⁶⁷", "../../", "3301061", "", XIHU]})  # fmt: skip
    assert response.status_code == 302
    assert list(Chase.objects.values_list("submission__region_id", flat=True)) == [XIHU]


def test_nothing_chosen_or_a_closed_round_chases_nobody(
    chase, open_round, supervisor_hangzhou, administrator
):
    response = chase(supervisor_hangzhou, open_round, {})
    assert response.status_code == 302 and len(said(response)) == 1
    round_close(round=open_round, user=administrator)
    chase(supervisor_hangzhou, open_round, {"region": [XIHU]})
    assert not Chase.objects.exists()
    assert not Notification.objects.filter(kind=Kind.CHASE).exists()


@pytest.mark.parametrize(
    ("user", "status"),
    [("staff_xihu", 403), ("evaluator_zhejiang", 403), ("other_staff", 404), ("nobody", 404)],
)
def test_chasing_is_for_supervisors_and_administrators(chase, open_round, user, status, request):
    response = chase(request.getfixturevalue(user), open_round, {"region": [XIHU]})
    assert response.status_code == status
    assert not Chase.objects.exists()


def test_administrators_chase_anywhere(chase, open_round, administrator, staff_haishu):
    chase(administrator, open_round, {"region": [HAISHU]})
    assert Notification.objects.filter(recipient=staff_haishu, kind=Kind.CHASE).exists()


def test_chasing_needs_a_post_and_a_login(client, open_round, supervisor_hangzhou):
    assert client.post(chase_url(open_round), {"region": [XIHU]}).status_code == 302
    assert not Chase.objects.exists()
    client.force_login(supervisor_hangzhou)
    assert client.get(chase_url(open_round)).status_code == 405


def test_chasing_needs_the_csrf_token(open_round, supervisor_hangzhou):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor_hangzhou)
    assert client.post(chase_url(open_round), {"region": [XIHU]}).status_code == 403
    assert not Chase.objects.exists()


def test_the_page_offers_the_choice_and_shows_the_last_reminder(
    chase, client, open_round, supervisor_hangzhou
):
    Submission.objects.filter(round=open_round, region_id=BINJIANG).update(status="submitted")
    chase(supervisor_hangzhou, open_round, {"region": [XIHU]})
    page = client.get(progress_url(open_round)).content.decode()
    assert 'data-testid="chase-form"' in page
    assert f'name="region" value="{XIHU}"' in page
    assert f'name="region" value="{BINJIANG}"' not in page  # handed in: nothing to chase
    today = timezone.localdate().isoformat()
    assert f'data-testid="chased-{XIHU}">{today}<' in page
    assert 'data-testid="chased-330102">—<' in page


def test_a_closed_round_offers_no_reminders(client, open_round, supervisor_hangzhou, administrator):
    round_close(round=open_round, user=administrator)
    client.force_login(supervisor_hangzhou)
    page = client.get(progress_url(open_round)).content.decode()
    assert 'data-testid="chase-form"' not in page and 'name="region"' not in page


def test_the_reminders_are_listed_read_only_in_the_admin(
    chase, client, open_round, supervisor_hangzhou, administrator
):
    chase(supervisor_hangzhou, open_round, {"region": [XIHU]})
    client.force_login(administrator)
    page = client.get(reverse("admin:collection_chase_changelist"))
    assert page.status_code == 200 and "西湖区" in page.content.decode()
    assert client.get(reverse("admin:collection_chase_add")).status_code == 403


def test_a_reminder_that_reminds_nobody_is_a_warning_and_the_lists_stay_open(
    chase, client, open_round, supervisor_hangzhou
):
    chase(supervisor_hangzhou, open_round, {"region": [XIHU]})
    response = chase(supervisor_hangzhou, open_round, {"region": [XIHU]})  # again, same day
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels == ["success", "warning"]  # the first reminder, then the one that was not sent
    assert response["Location"] == progress_url(open_round) + "?chased=1#chase-form"
    page = client.get(response["Location"]).content.decode()
    assert 'id="status-not_started" open' in page  # the list with the new 上次催报 date
    assert (
        'id="status-not_started" open' not in client.get(progress_url(open_round)).content.decode()
    )
