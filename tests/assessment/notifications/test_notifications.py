"""The notification centre: delivery, preferences, e-mail, the navigation count, marking read,
the digest and the daily schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.jobs.models import Job, JobState
from assessment.jobs.services import schedule_periodic
from assessment.notifications import services
from assessment.notifications.job_kinds import DIGEST
from assessment.notifications.mail import send_digests
from assessment.notifications.models import Kind, Notification, Preference
from assessment.notifications.recipients import region_readers, region_staff
from assessment.regions.models import Role
from tests.conftest import make_user

LIST = reverse("assessment:notifications")


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def tell(users, kind=Kind.SUBMISSION_APPROVED, title="西湖区：填报已通过", **extra):
    return services.notify(users, kind, title, body="请查看", url="/rounds/1/", **extra)


def test_region_readers_are_who_sees_the_region(
    staff_xihu, staff_binjiang, staff_haishu, supervisor_hangzhou, supervisor_ningbo,
    supervisor_zhejiang, evaluator_zhejiang, administrator,
):  # fmt: skip
    readers = set(region_readers("330106", [Role.SUPERVISOR, Role.EVALUATOR, Role.STAFF]))
    assert readers == {staff_xihu, supervisor_hangzhou, supervisor_zhejiang, evaluator_zhejiang}
    assert set(region_readers("330106", [Role.SUPERVISOR])) == {
        supervisor_hangzhou,
        supervisor_zhejiang,
    }
    assert set(region_staff("330106")) == {staff_xihu}
    assert set(region_staff("330203")) == {staff_haishu}
    # A city: its supervisor and the province's, never a county's staff.
    assert set(region_readers("330100", Role.values)) == {
        supervisor_hangzhou, supervisor_zhejiang, evaluator_zhejiang,
    }  # fmt: skip


def test_notify_stores_one_row_per_person_in_one_insert(
    staff_xihu, supervisor_hangzhou, django_assert_num_queries
):
    # the recipients with their e-mail and preferences; the insert
    with django_assert_num_queries(2):
        created = tell(region_readers("330106", Role.values), region="330106")
    assert created == 2
    row = Notification.objects.get(recipient=staff_xihu)
    assert (row.kind, row.title, row.body, row.url, row.region_code) == (
        Kind.SUBMISSION_APPROVED, "西湖区：填报已通过", "请查看", "/rounds/1/", "330106",
    )  # fmt: skip
    assert row.unread


def test_inactive_people_are_not_told(staff_xihu):
    staff_xihu.is_active = False
    staff_xihu.save()
    assert tell([staff_xihu]) == 0


def test_a_muted_kind_is_not_created_but_a_reminder_to_submit_always_is(staff_xihu):
    services.save_preference(
        staff_xihu, email_immediately=True, daily_digest=True,
        muted_kinds=[Kind.SUBMISSION_APPROVED, Kind.CHASE],
    )  # fmt: skip
    assert Preference.objects.get(user=staff_xihu).muted_kinds == [Kind.SUBMISSION_APPROVED]
    assert tell([staff_xihu]) == 0
    assert tell([staff_xihu], kind=Kind.CHASE, title="催报") == 1


def test_email_at_once_only_for_who_asked_and_only_after_commit(
    staff_xihu, staff_binjiang, capture, settings
):
    settings.SITE_URL = "https://assess.example.gov.cn"
    staff_xihu.email, staff_binjiang.email = "xihu@example.gov.cn", "binjiang@example.gov.cn"
    staff_xihu.save()
    staff_binjiang.save()
    services.save_preference(staff_xihu, email_immediately=True, daily_digest=True, muted_kinds=[])
    with capture(execute=True):
        tell([staff_xihu, staff_binjiang])
        assert mail.outbox == []  # not before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["xihu@example.gov.cn"] and message.subject == "西湖区：填报已通过"
    assert "请查看" in message.body and "https://assess.example.gov.cn/rounds/1/" in message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_a_rolled_back_action_tells_nobody(staff_xihu, capture):
    from django.db import transaction

    staff_xihu.email = "xihu@example.gov.cn"
    staff_xihu.save()
    Preference.objects.create(user=staff_xihu, email_immediately=True)
    with capture(execute=True):
        try:
            with transaction.atomic():
                services.after_commit(tell, [staff_xihu])
                raise RuntimeError("the action fails")
        except RuntimeError:
            pass
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_failing_mail_server_keeps_the_notification(staff_xihu, capture, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    staff_xihu.email = "xihu@example.gov.cn"
    staff_xihu.save()
    Preference.objects.create(user=staff_xihu, email_immediately=True)
    with capture(execute=True):
        assert tell([staff_xihu]) == 1
    assert Notification.objects.filter(recipient=staff_xihu).count() == 1


def test_a_key_makes_delivery_idempotent(staff_xihu):
    assert tell([staff_xihu], key="deadline:1:330106:2026-06-30") == 1
    assert tell([staff_xihu], key="deadline:1:330106:2026-06-30") == 0
    assert Notification.objects.count() == 1


def test_the_list_shows_only_my_notifications_newest_first(client, staff_xihu, staff_binjiang):
    tell([staff_xihu], title="旧")
    tell([staff_xihu], title="新")
    tell([staff_binjiang], title="滨江区的")
    client.force_login(staff_xihu)
    response = client.get(LIST)
    assert [n.title for n in response.context["notifications"]] == ["新", "旧"]
    assert "滨江区的" not in response.content.decode()


def test_the_navigation_shows_the_unread_count_in_one_query_whatever_the_number(
    client, staff_xihu, django_assert_num_queries
):
    client.force_login(staff_xihu)
    home = reverse("assessment:home")
    client.get(home)  # the session's first save out of the way
    with CaptureQueriesContext(connection) as few:
        client.get(home)
    tell([staff_xihu])
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(home).content.decode()
    assert 'data-testid="nav-unread">1<' in page
    for number in range(120):
        tell([staff_xihu], title=f"第{number}条")
    with django_assert_num_queries(len(few.captured_queries)) as many:
        page = client.get(home).content.decode()
    assert 'data-testid="nav-unread">99+<' in page
    counts = [q["sql"] for q in many.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


def test_no_count_without_unread(client, staff_xihu):
    client.force_login(staff_xihu)
    assert 'data-testid="nav-unread"' not in client.get(LIST).content.decode()


def test_mark_one_and_all_read(client, staff_xihu):
    tell([staff_xihu])
    tell([staff_xihu])
    first, second = Notification.objects.order_by("pk")
    client.force_login(staff_xihu)
    response = client.post(reverse("assessment:notification_read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.unread and second.unread
    response = client.post(reverse("assessment:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_open_marks_read_and_goes_to_the_page(client, staff_xihu):
    tell([staff_xihu])
    item = Notification.objects.get()
    client.force_login(staff_xihu)
    response = client.post(reverse("assessment:notification_read", args=[item.pk]), {"go": "1"})
    assert response["Location"] == "/rounds/1/"
    item.refresh_from_db()
    assert not item.unread


def test_another_persons_notification_does_not_exist(client, staff_xihu, staff_binjiang):
    tell([staff_binjiang])
    theirs = Notification.objects.get()
    client.force_login(staff_xihu)
    assert client.post(reverse("assessment:notification_read", args=[theirs.pk])).status_code == 404
    client.post(reverse("assessment:notifications_read_all"))
    theirs.refresh_from_db()
    assert theirs.unread


def test_marking_read_needs_a_post(client, staff_xihu):
    tell([staff_xihu])
    item = Notification.objects.get()
    client.force_login(staff_xihu)
    assert client.get(reverse("assessment:notification_read", args=[item.pk])).status_code == 405
    assert client.get(reverse("assessment:notifications_read_all")).status_code == 405


def test_preferences_are_saved_from_the_page(client, staff_xihu):
    client.force_login(staff_xihu)
    response = client.post(
        reverse("assessment:notification_preferences"),
        {"email_immediately": "on", "muted": [Kind.ROUND_OPENED, Kind.ROUND_CLOSED]},
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=staff_xihu)
    assert preference.email_immediately and not preference.daily_digest
    assert preference.muted_kinds == sorted([Kind.ROUND_OPENED, Kind.ROUND_CLOSED])
    form = client.get(LIST).context["form"]
    assert form.initial["email_immediately"] is True
    bad = client.post(reverse("assessment:notification_preferences"), {"muted": ["chase"]})
    assert bad.status_code == 400  # a reminder to submit cannot be muted


# The daily digest


@pytest.fixture
def readers(staff_xihu, staff_binjiang, staff_haishu):
    for user, address in ((staff_xihu, "xihu@example.gov.cn"),
                          (staff_binjiang, "binjiang@example.gov.cn"),
                          (staff_haishu, "")):  # fmt: skip
        user.email = address
        user.save()
    return staff_xihu, staff_binjiang, staff_haishu


def test_the_digest_mails_each_person_their_unread_notifications_of_the_last_day(readers):
    xihu, binjiang, haishu = readers
    tell([xihu], title="西湖区：填报已退回")
    tell([xihu], title="西湖区：填报已通过")
    tell([xihu], title="已读的")
    Notification.objects.filter(title="已读的").update(read_at=timezone.now())
    tell([xihu], title="前天的")
    Notification.objects.filter(title="前天的").update(
        created_at=timezone.now() - timedelta(days=2)
    )
    tell([haishu], title="没有邮箱")  # no address: nothing to send
    Preference.objects.create(user=binjiang, daily_digest=False)
    tell([binjiang], title="不要摘要")
    assert send_digests() == 1
    (message,) = mail.outbox
    assert message.to == ["xihu@example.gov.cn"]
    assert "2" in message.subject
    assert "西湖区：填报已退回" in message.body and "西湖区：填报已通过" in message.body
    assert "已读的" not in message.body and "前天的" not in message.body
    # Each item is in one digest at most: a second run sends nothing.
    assert send_digests() == 0 and len(mail.outbox) == 1


def test_no_digest_when_there_is_nothing(readers):
    assert send_digests() == 0
    assert mail.outbox == []


def test_send_digests_command(readers):
    tell([readers[0]])
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1


def test_the_digest_is_scheduled_daily_as_periodic_work(db, settings, capture):
    settings.NOTIFICATION_DAILY_HOUR = 8
    with capture(execute=False):
        schedule_periodic()
        schedule_periodic()  # a second worker starting: the same jobs
    digest = Job.objects.get(kind=DIGEST)
    assert digest.state == JobState.QUEUED and digest.owner is None
    local = timezone.localtime(digest.run_after)
    assert (local.hour, local.minute) == (8, 0) and digest.run_after > timezone.now()
    assert digest.run_after - timezone.now() <= timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_the_digest_job_sends_and_queues_tomorrows(regions, settings):
    from assessment.jobs.services import start_job
    from tests.assessment.jobs.worker import work_off

    xihu = make_user("staff-330106", "330106", Role.STAFF, email="xihu@example.gov.cn")
    tell([xihu])
    start_job(DIGEST, owner=None, title="digest", key="digest-now")
    work_off()
    assert len(mail.outbox) == 1
    assert Job.objects.get(key="digest-now").state == JobState.DONE
    following = Job.objects.get(kind=DIGEST, state=JobState.QUEUED)
    assert following.run_after > timezone.now()


def test_administrators_browse_notifications_and_preferences(client, administrator, staff_xihu):
    tell([staff_xihu])
    Preference.objects.create(user=staff_xihu)
    client.force_login(administrator)
    for model in ("notification", "preference"):
        page = client.get(reverse(f"admin:notifications_{model}_changelist"))
        assert page.status_code == 200 and "staff-330106" in page.content.decode()


def test_a_nationwide_rounds_readers_are_every_supervisor_and_evaluator_once(
    staff_xihu, supervisor_hangzhou, supervisor_ningbo, supervisor_zhejiang, evaluator_zhejiang
):
    from assessment.regions.models import Membership

    Membership.objects.create(user=supervisor_zhejiang, region_id="330000", role=Role.EVALUATOR)
    created = services.notify_scope_readers(None, Kind.RESULTS_PUBLISHED, "全国结果已发布")
    assert created == 4
    named = dict(Notification.objects.values_list("recipient__username", "region_code"))
    assert named == {"supervisor-330100": "330100", "supervisor-330200": "330200",
                     "supervisor": "330000", "evaluator": "330000"}  # fmt: skip
