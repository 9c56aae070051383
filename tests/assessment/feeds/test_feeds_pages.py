"""The raw feed pages: an administrator uploads a platform's raw CSV with a declared
aggregation, reads the dry run's per-region values and problems, and applies it all or nothing
(every value audited as fed from the file); large files go through background jobs; the
population table feeds the per-10,000 rates. Everyone but administrators gets 403."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse

from assessment.collection.models import AuditEntry, Submission, Value
from assessment.feeds.models import FeedStatus, Population, RawFeed
from assessment.jobs.models import Job
from tests.assessment.conftest import upload
from tests.assessment.jobs.worker import work_off

XIHU, BINJIANG, HAISHU = "330106", "330108", "330203"
CODE, DAY, GRADE = "行政区划代码", "评价日期", "评价等级"
SATISFACTION = "SV.4.3"  # 满意率: percent, fed by a platform
SHARE = "DS.3.1"  # 问题数据占比: percent, fed by a platform
CALLS = "DS.2.3"  # 共享接口调用量: a count, fed by a platform

RATINGS = [
    f"{CODE},{DAY},{GRADE}",
    f"{XIHU},2026-01-02,非常满意",  # 西湖区: 3 ratings in 2026, 2 good → 66.666667
    f"{XIHU},2026-01-15,不满意",
    f"{XIHU},2026-02-01,满意",
    f"{XIHU},2025-12-31,不满意",  # before the range: skipped
    f"{BINJIANG},2026-01-20,基本满意",  # 滨江区: 2 ratings, 1 good → 50
    f"{BINJIANG},2026-03-01,满意",
    f"{HAISHU},2026-02-10,非常不满意",  # 海曙区: 1 rating, none good → 0
]


def csv_file(lines: list[str], name: str = "好差评.csv"):
    return upload(name, ("\n".join(lines) + "\n").encode(), "text/csv")


def leaf(round_, code: str):
    return round_.system.indicators.get(code=code)


def rate_form(round_, lines=RATINGS, **extra) -> dict:
    data = {
        "indicator": str(leaf(round_, SATISFACTION).pk),
        "source_name": "省好差评系统",
        "file": csv_file(lines),
        "aggregation": "rate",
        "region_column": CODE,
        "condition_column": GRADE,
        "condition_op": "in",
        "condition_value": "非常满意,满意",
        "date_column": DAY,
        "date_from": "2026-01-01",
        "date_to": "2026-12-31",
    }
    data.update(extra)
    return data


def dry_run(client, round_, data) -> RawFeed:
    response = client.post(reverse("assessment:feed_list", args=[round_.pk]), data)
    feed = RawFeed.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:feed_report", args=[feed.pk])
    return feed


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def fed_values(round_, code: str) -> dict[str, Decimal]:
    rows = Value.objects.filter(submission__round=round_, indicator__code=code)
    return dict(rows.values_list("submission__region_id", "value"))


def versions(round_, codes) -> dict[str, int]:
    rows = Submission.objects.filter(round=round_, region_id__in=codes)
    return dict(rows.values_list("region_id", "version"))


# --- the whole journey -----------------------------------------------------------------------


def test_a_rating_log_is_checked_then_applied_with_its_source_audited(
    client, open_round, administrator
):
    client.force_login(administrator)
    page = client.get(reverse("assessment:feed_list", args=[open_round.pk])).content.decode()
    assert 'data-testid="feed-form"' in page and SATISFACTION in page
    assert 'data-testid="aggregations"' in page
    before = versions(open_round, [XIHU, BINJIANG, HAISHU])

    feed = dry_run(client, open_round, rate_form(open_round))
    assert feed.status == FeedStatus.CHECKED and feed.uploaded_by == administrator
    assert feed.values == {XIHU: "66.666667", BINJIANG: "50", HAISHU: "0"}
    summary = feed.summary
    assert (summary["rows"], summary["used"], summary["skipped"]) == (7, 6, 1)
    assert (summary["regions"], summary["problems"], summary["changes"]) == (3, 0, 3)
    assert feed.problems == []
    assert fed_values(open_round, SATISFACTION) == {}  # a dry run writes nothing

    response = client.get(reverse("assessment:feed_report", args=[feed.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="apply-feed"' in page and 'data-testid="problem-table"' not in page
    assert "西湖区" in page and "滨江区" in page and "海曙区" in page
    assert "66.666667" in page

    response = client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    assert response.status_code == 302
    assert any("3" in text for text in messages_of(response))
    feed.refresh_from_db()
    assert feed.status == FeedStatus.APPLIED and feed.applied_at is not None
    assert fed_values(open_round, SATISFACTION) == {
        XIHU: Decimal("66.666667"), BINJIANG: Decimal(50), HAISHU: Decimal(0)
    }  # fmt: skip
    label = feed.fed_from
    assert label.startswith("省好差评系统 · 好差评.csv") and "7" in label
    assert set(
        Value.objects.filter(indicator__code=SATISFACTION).values_list("fed_from", flat=True)
    ) == {label}
    audits = AuditEntry.objects.filter(indicator__code=SATISFACTION)
    assert audits.count() == 3
    assert set(audits.values_list("source", "reason", "actor")) == {
        ("feed", label, administrator.pk)
    }
    after = versions(open_round, [XIHU, BINJIANG, HAISHU])
    assert after == {code: version + 1 for code, version in before.items()}
    assert {entry.version for entry in audits} == set(after.values())

    page = client.get(reverse("assessment:feed_report", args=[feed.pk])).content.decode()
    assert 'data-testid="apply-feed"' not in page
    recent = client.get(reverse("assessment:feed_list", args=[open_round.pk])).content.decode()
    assert "好差评.csv" in recent and reverse("assessment:feed_report", args=[feed.pk]) in recent


def test_applying_twice_is_refused(client, open_round, administrator):
    client.force_login(administrator)
    feed = dry_run(client, open_round, rate_form(open_round))
    client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    versions_once = versions(open_round, [XIHU, BINJIANG, HAISHU])
    response = client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    assert response.status_code == 302
    assert any("already applied" in text or "已" in text for text in messages_of(response))
    assert AuditEntry.objects.filter(indicator__code=SATISFACTION).count() == 3
    assert versions(open_round, [XIHU, BINJIANG, HAISHU]) == versions_once


# --- problems ----------------------------------------------------------------------------------


def test_an_unknown_region_is_a_problem_and_nothing_is_written(client, open_round, administrator):
    client.force_login(administrator)
    lines = [*RATINGS, "999999,2026-01-05,满意", "110101,2026-01-06,满意"]
    feed = dry_run(client, open_round, rate_form(open_round, lines))
    # Row 9 of the file names no region; 东城区 (Beijing) exists but is not in the round.
    assert feed.problems[0][:2] == [9, CODE] and "999999" in feed.problems[0][2]
    assert feed.problems[1][:2] == [None, "110101"] and "110101" in feed.problems[1][2]
    assert feed.summary["problems"] == 2
    page = client.get(reverse("assessment:feed_report", args=[feed.pk])).content.decode()
    assert 'data-testid="problem-table"' in page and 'data-testid="apply-feed"' not in page
    assert "999999" in page

    before = versions(open_round, [XIHU, BINJIANG, HAISHU])
    response = client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    assert response.status_code == 302
    assert messages_of(response)  # the refusal, with the count
    feed.refresh_from_db()
    assert feed.status == FeedStatus.CHECKED and feed.summary["problems"] == 2
    assert fed_values(open_round, SATISFACTION) == {}
    assert not AuditEntry.objects.filter(indicator__code=SATISFACTION).exists()
    assert versions(open_round, [XIHU, BINJIANG, HAISHU]) == before


def test_a_missing_column_is_one_clear_problem(client, open_round, administrator):
    client.force_login(administrator)
    feed = dry_run(client, open_round, rate_form(open_round, condition_column="评价结果"))
    assert feed.summary["problems"] == 1 and "评价结果" in feed.problems[0][2]
    assert feed.values == {}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ratings.csv", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100),  # an xlsx renamed
        ("ratings.xlsx", b"PK\x03\x04 workbook"),
        ("ratings.csv", b"%PDF-1.4\n"),
        ("ratings.csv", b"code,grade\n330106,\x00\x01\x02"),  # NUL bytes
        ("ratings.csv", b"\xff\xfec\x00o\x00d\x00e\x00"),  # UTF-16
        ("ratings.csv", b""),
    ],
)
def test_a_file_that_is_not_a_csv_is_refused_with_a_form_error(
    client, open_round, administrator, name, content
):
    client.force_login(administrator)
    data = rate_form(open_round, file=upload(name, content))
    response = client.post(reverse("assessment:feed_list", args=[open_round.pk]), data)
    assert response.status_code == 400
    assert 'data-testid="error-file"' in response.content.decode()
    assert not RawFeed.objects.exists()


GBK_LOG = "\n".join(RATINGS).encode("gb18030")


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"file": upload("gbk.csv", GBK_LOG)}, 302),  # GB18030, as Excel in China saves it
        ({"file": upload("crlf.csv", "\r\n".join(RATINGS).encode())}, 302),
        ({"file": upload("bom.csv", b"\xef\xbb\xbf" + "\n".join(RATINGS).encode())}, 302),
        ({"file": upload("header.csv", f"{CODE},{DAY},{GRADE}\n".encode())}, 302),
        ({"file": upload("latin.csv", b"\xe9\xe8\xff\xfe,\x80\n1,2\n")}, 302),
        ({"file": upload("long.csv", b"a" * 2_000_000)}, 302),  # one line of 2 MB
        ({"file": upload("quote.csv", f'{CODE},{DAY},{GRADE}\n"330106,2026'.encode())}, 302),
        ({"aggregation": "median"}, 400),
        ({"condition_op": "zz"}, 400),
        ({"condition_value": ",,,，、"}, 400),
        ({"date_from": "2026-02-30"}, 400),
        ({"region_column": "x" * 101}, 400),
        ({"region_column": ""}, 400),
        ({"indicator": "abc"}, 400),
        ({"file": ""}, 400),
    ],
)
def test_hostile_inputs_get_a_report_or_a_form_error(
    client, open_round, administrator, extra, status
):
    client.force_login(administrator)
    response = client.post(
        reverse("assessment:feed_list", args=[open_round.pk]), rate_form(open_round, **extra)
    )
    assert response.status_code == status
    if status == 302:
        report = client.get(response["Location"])
        assert report.status_code == 200
    else:
        assert not RawFeed.objects.exists()


def test_a_gb18030_log_gives_the_same_values(client, open_round, administrator):
    client.force_login(administrator)
    feed = dry_run(client, open_round, rate_form(open_round, file=upload("gbk.csv", GBK_LOG)))
    assert feed.values == {XIHU: "66.666667", BINJIANG: "50", HAISHU: "0"}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"condition_column": "", "condition_op": "", "condition_value": ""}, "condition_column"),
        ({"aggregation": "mean", "value_column": ""}, "value_column"),
        ({"condition_op": ""}, "condition_op"),
        ({"condition_op": "gt", "condition_value": "满意"}, "condition_value"),
        ({"date_column": ""}, "date_column"),
        ({"date_from": "2026-12-31", "date_to": "2026-01-01"}, "date_to"),
        ({"indicator": "999999"}, "indicator"),
    ],
)
def test_a_bad_declaration_is_a_form_error(client, open_round, administrator, extra, field):
    client.force_login(administrator)
    data = rate_form(open_round, **extra)
    response = client.post(reverse("assessment:feed_list", args=[open_round.pk]), data)
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert not RawFeed.objects.exists()


def test_only_platform_fed_indicators_can_be_chosen(client, open_round, administrator):
    client.force_login(administrator)
    typed = open_round.system.indicators.exclude(source="platform").exclude(value_type="").first()
    data = rate_form(open_round, indicator=str(typed.pk))
    response = client.post(reverse("assessment:feed_list", args=[open_round.pk]), data)
    assert response.status_code == 400 and 'data-testid="error-indicator"' in response.text


def test_a_stored_file_that_is_gone_is_said_plainly(client, open_round, administrator):
    client.force_login(administrator)
    feed = dry_run(client, open_round, rate_form(open_round))
    feed.file.storage.delete(feed.file.name)
    response = client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    assert response.status_code == 302
    assert any("no longer" in text or "不" in text for text in messages_of(response))
    assert fed_values(open_round, SATISFACTION) == {}


# --- per 10,000 population -------------------------------------------------------------------


def test_per_10k_divides_by_the_population_of_the_rounds_year(client, open_round, administrator):
    client.force_login(administrator)
    table = [
        "行政区划代码,年份,常住人口",
        f"{XIHU},2020,10",  # older: the 2025 figure wins
        f"{XIHU},2025,1000000",
        f"{XIHU},2027,5",  # after the round's year (2026): not used
        f"{BINJIANG},2024,500000",
    ]
    response = client.post(reverse("assessment:population"), {"file": csv_file(table)})
    assert response.status_code == 302
    assert Population.objects.count() == 4
    page = client.get(reverse("assessment:population")).content.decode()
    assert 'data-testid="year-2025"' in page and "1000000" in page

    lines = [f"{CODE},{DAY}", *[f"{XIHU},2026-01-0{d}" for d in range(1, 4)],
             f"{BINJIANG},2026-02-01", f"{BINJIANG},2026-02-02"]  # fmt: skip
    data = rate_form(open_round, lines, aggregation="per_10k", indicator=str(
        leaf(open_round, SHARE).pk), condition_column="", condition_op="",
        condition_value="", date_from="", date_to="")  # fmt: skip
    feed = dry_run(client, open_round, data)
    # 3 rows / 1,000,000 people × 10,000 = 0.03; 2 / 500,000 × 10,000 = 0.04
    assert feed.values == {XIHU: "0.03", BINJIANG: "0.04"} and feed.summary["problems"] == 0
    client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    assert fed_values(open_round, SHARE) == {XIHU: Decimal("0.03"), BINJIANG: Decimal("0.04")}

    # 海曙区 has no population: a problem for the region, not a division by zero.
    lines.append(f"{HAISHU},2026-03-01")
    data["file"] = csv_file(lines)
    feed = dry_run(client, open_round, data)
    assert feed.summary["problems"] == 1 and HAISHU in feed.problems[0][2]


def test_an_interface_call_log_is_summed(client, open_round, administrator):
    client.force_login(administrator)
    lines = ["行政区划代码,日期,调用次数", f"{XIHU},2026-01-01,1200",
             f"{XIHU},2026-01-02,\"1,300\"", f"{BINJIANG},2026-01-01,７"]  # fmt: skip
    data = rate_form(open_round, lines, indicator=str(leaf(open_round, CALLS).pk),
                     aggregation="sum", value_column="调用次数", condition_column="",
                     condition_op="", condition_value="", date_column="", date_from="",
                     date_to="")  # fmt: skip
    feed = dry_run(client, open_round, data)
    assert feed.values == {XIHU: "2500", BINJIANG: "7"} and feed.summary["problems"] == 0
    client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    assert fed_values(open_round, CALLS) == {XIHU: Decimal(2500), BINJIANG: Decimal(7)}


def test_a_population_table_with_a_bad_row_stores_nothing(client, administrator):
    client.force_login(administrator)
    table = ["region,year,population", f"{XIHU},2025,1000000", "999999,2025,12",
             f"{BINJIANG},二〇二五,5", f"{HAISHU},2025,12.5万"]  # fmt: skip
    response = client.post(reverse("assessment:population"), {"file": csv_file(table)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="problem-table"' in page and "999999" in page
    assert not Population.objects.exists()
    bad = {"file": upload("p.csv", b"PK\x03\x04")}
    response = client.post(reverse("assessment:population"), bad)
    assert response.status_code == 400 and 'data-testid="error-file"' in response.text
    response = client.post(reverse("assessment:population"), {"file": csv_file(["a,b,c", "1,2,3"])})
    assert response.status_code == 400 and not Population.objects.exists()


# --- who may -----------------------------------------------------------------------------------


def feed_of(round_, user) -> RawFeed:
    feed = RawFeed(round=round_, indicator=leaf(round_, SATISFACTION), source_name="平台",
                   original_name="a.csv", aggregation="count", region_column=CODE,
                   uploaded_by=user, summary={"rows": 0, "bytes": 10})  # fmt: skip
    feed.file.save("a.csv", ContentFile(f"{CODE}\n{XIHU}\n".encode()), save=False)
    feed.save()
    return feed


def urls(round_, feed) -> list[tuple[str, str]]:
    return [
        ("get", reverse("assessment:feed_list", args=[round_.pk])),
        ("post", reverse("assessment:feed_list", args=[round_.pk])),
        ("get", reverse("assessment:feed_report", args=[feed.pk])),
        ("post", reverse("assessment:feed_apply", args=[feed.pk])),
        ("get", reverse("assessment:population")),
        ("post", reverse("assessment:population")),
    ]


def test_everyone_but_administrators_is_refused(
    client, open_round, administrator, staff_xihu, supervisor_hangzhou, evaluator_zhejiang,
    supervisor_zhejiang, nobody,
):  # fmt: skip
    feed = feed_of(open_round, administrator)
    for method, url in urls(open_round, feed):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    for user in (staff_xihu, supervisor_hangzhou, evaluator_zhejiang, supervisor_zhejiang, nobody):
        client.force_login(user)
        for method, url in urls(open_round, feed):
            assert getattr(client, method)(url).status_code == 403, (user.username, url)
    client.force_login(administrator)
    assert client.put(urls(open_round, feed)[0][1]).status_code == 405
    assert client.get(reverse("assessment:feed_apply", args=[feed.pk])).status_code == 405
    feed.refresh_from_db()
    assert feed.status == FeedStatus.CHECKED and not Value.objects.exists()


def test_a_missing_round_or_feed_is_404(client, open_round, administrator):
    client.force_login(administrator)
    assert client.get(reverse("assessment:feed_list", args=[99999])).status_code == 404
    assert client.post(reverse("assessment:feed_list", args=[99999])).status_code == 404
    assert client.get(reverse("assessment:feed_report", args=[99999])).status_code == 404
    assert client.post(reverse("assessment:feed_apply", args=[99999])).status_code == 404


# --- queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 15])
def test_the_feed_list_queries_do_not_grow_with_feeds(
    client, open_round, administrator, size, django_assert_num_queries
):
    for _ in range(size):
        feed_of(open_round, administrator)
    client.force_login(administrator)
    # session, user, round, the system's platform-fed leaves (the choices), grants (the
    # menu), the recent feeds with their indicators and uploaders, the navigation's unread
    # notifications, session save (savepoint, update, release)
    with django_assert_num_queries(10):
        response = client.get(reverse("assessment:feed_list", args=[open_round.pk]))
    assert response.content.decode().count('data-testid="recent-feeds"') == 1


# --- a large file is checked and applied by jobs -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_applied_in_the_background(
    client, open_round, administrator, django_capture_on_commit_callbacks
):
    limit = getattr(settings, "FEED_DIRECT_MAX_BYTES", 5 * 1024 * 1024)
    note = "说明" * 300  # a wide column nobody aggregates: a large file of few rows
    grades = ["非常满意", "满意", "不满意", "满意"]  # 3 of 4 good → 75 in both regions
    lines = [f"{CODE},{DAY},{GRADE},备注"]
    size = len(lines[0].encode())
    while size <= limit:
        for k in range(8):  # a cycle: 4 rows per region, 3 of them good
            region = XIHU if k % 2 else BINJIANG
            lines.append(f"{region},2026-01-{1 + k:02d},{grades[k // 2]},{note}")
            size += len(lines[-1].encode()) + 1
    n = len(lines) - 1
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessment:feed_list", args=[open_round.pk]), rate_form(open_round, lines)
        )
    job = Job.objects.get()
    feed = RawFeed.objects.get()
    assert feed.summary["bytes"] > limit
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:job", args=[job.pk])
    assert job.kind == "feeds.check" and job.owner == administrator
    assert feed.summary.get("pending") and feed.values == {}
    page = client.get(reverse("assessment:feed_report", args=[feed.pk])).content.decode()
    assert 'data-testid="feed-pending"' in page and 'data-testid="apply-feed"' not in page
    # Not applied while pending.
    response = client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    assert fed_values(open_round, SATISFACTION) == {}

    work_off()
    job.refresh_from_db()
    assert job.state == "done", job.error
    feed.refresh_from_db()
    assert "pending" not in feed.summary and feed.summary["rows"] == n
    assert feed.values == {XIHU: "75", BINJIANG: "75"} and feed.summary["problems"] == 0
    page = client.get(reverse("assessment:feed_report", args=[feed.pk])).content.decode()
    assert 'data-testid="apply-feed"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment:feed_apply", args=[feed.pk]))
    job = Job.objects.get(kind="feeds.apply")
    assert response["Location"] == reverse("assessment:job", args=[job.pk])
    assert fed_values(open_round, SATISFACTION) == {}
    work_off()
    job.refresh_from_db()
    assert job.state == "done", job.error
    feed.refresh_from_db()
    assert feed.status == FeedStatus.APPLIED
    assert fed_values(open_round, SATISFACTION) == {XIHU: Decimal(75), BINJIANG: Decimal(75)}
    audits = AuditEntry.objects.filter(indicator__code=SATISFACTION)
    assert set(audits.values_list("source", "reason")) == {("feed", feed.fed_from)}


def test_the_admin_shows_feeds_and_population_read_only(client, open_round, administrator):
    feed = feed_of(open_round, administrator)
    Population.objects.create(region_id=XIHU, year=2025, people=1_000_000)
    client.force_login(administrator)
    for model in ("rawfeed", "population"):
        assert client.get(reverse(f"admin:feeds_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:feeds_{model}_add")).status_code == 403
    page = client.get(reverse("admin:feeds_rawfeed_change", args=[feed.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
