"""What the fuzz suite sends: hostile values, plausible values per parameter name, uploads.

Every parameter is drawn as absent, as a plausible value (so that a form can pass and the
request reaches the service and the database), or as a hostile one; sometimes as a list (the
key repeated). Plausible values depend on the demo world (ids of its objects) and are looked
up once per test by `plausible_values`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

# Values that broke, or could break, a parser or the database: unicode digits (isdigit() is
# true, int() fails for some), numbers too big for SQLite's 64-bit integers or for Decimal's
# context, dates at the ends of the calendar, separators, markup and injection-ish text.
HOSTILE_TEXT = [
    "", " ", "0", "-0", "-1", "1", "00", "+1", "0.0", "-0.0", "8,5", "8.5", "1,000", "1_000",
    "0x1A", "1e3", "1e999999999", "-1e999999999", "1e-999999999", "NaN", "nan", "-NaN", "sNaN",
    "Infinity", "-Infinity", "inf", "99999999999999999999", "-99999999999999999999",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1" * 30,
    "²", "³", "٣", "８", "８５．５", "①", "Ⅻ", "𝟠", "߃", "L٣", "l5", "L99",
    "0001-01-01T00:00", "0001-01-01", "0001-01-01 00:00", "9999-12-31", "9999-12-31T23:59",
    "0000-00-00", "2024-02-30", "2026-13-01", "2026-01-01T25:61",
    "\x00", "a\x00b", "%00", "%", "_", "\\", "'", '"', "../", "../../etc/passwd", "..%2f",
    "'; DROP TABLE assessment_round; --", "' OR 1=1 --", "\" OR \"\"=\"", "%' OR '1'='1",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "{% debug %}",
    "javascript:alert(1)", "//evil.example", "https://evil.example/", "http://[::1", "\u202e12",
    "😀" * 10, "\ufeff", "true", "on", "all", "None", "null", "[]", "{}",
]  # fmt: skip

ALL_DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
ALL_DATETIMES = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31))

generated_text = st.one_of(
    st.text(max_size=30),
    # ², ٣, ８, ⑤ …: every kind of unicode digit and numeral
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
    ALL_DATES.map(date.isoformat),
    ALL_DATETIMES.map(lambda moment: moment.isoformat(timespec="minutes")),
    # Long text, bounded: up to 2,000 characters
    st.builds(lambda char, n: char * n, st.sampled_from("9x中<\x00"), st.integers(61, 2000)),
)
# What ids, numbers, pages and dates are parsed with most often trips over.
NUMERIC_EDGES = [
    "", "-1", "0", "-0", "²", "٣", "８", "1e999999999", "NaN", "inf", "8,5", "1" * 30,
    "99999999999999999999", "-99999999999999999999", "9223372036854775808",
    "0001-01-01T00:00", "9999-12-31",
]  # fmt: skip
hostile_text = st.one_of(
    st.sampled_from(NUMERIC_EDGES), st.sampled_from(HOSTILE_TEXT), generated_text
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
UPLOAD_NAMES = ["a.pdf", "值.xlsx", "../../etc/passwd", "evil.exe", "x.pdf.exe", "NUL", ".pdf"]


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def uploads(plausible: list[bytes]) -> st.SearchStrategy[SimpleUploadedFile]:
    """A file: random bytes, a PDF, or one of the plausible contents, under an odd name."""
    names = st.one_of(
        st.sampled_from(UPLOAD_NAMES),
        st.text(
            st.characters(exclude_categories=["Cs"], exclude_characters='\r\n"\\\x00/'),
            min_size=1,
            max_size=40,
        ).filter(lambda name: name not in {".", ".."}),  # no file name at all: not uploadable
    )
    contents = st.one_of(st.binary(max_size=300), st.just(PDF_BYTES), *map(st.just, plausible))
    return st.builds(_upload, names, contents)


@dataclass(frozen=True)
class Inputs:
    """The parameters one URL reads. `query`: read from the query string (on a GET, or on a
    POST as well); `form`: the POST fields, None when the URL takes no POST (a POST-only URL
    without fields has ()); `files`: its upload fields. `post_user`: who sends the POST of a
    page whose GET the administrator reads (the entry form is written by the region's
    staff). `examples`: fewer for slow pages."""

    query: tuple[str, ...] = ()
    form: tuple[str, ...] | None = None
    files: tuple[str, ...] = ()
    post_user: str | None = None
    examples: int | None = None  # fewer for slow pages


@dataclass
class Request:
    method: str
    query: dict[str, object] = field(default_factory=dict)
    form: dict[str, object] = field(default_factory=dict)
    files: dict[str, object] = field(default_factory=dict)

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example
        shown = {"query": self.query, "form": self.form}
        if self.files:
            shown["files"] = {name: _describe(upload) for name, upload in self.files.items()}
        return f"Request({self.method}, {shown})"


def _describe(upload) -> str:
    if isinstance(upload, list):
        return str([_describe(item) for item in upload])
    size = getattr(upload, "size", None)
    return f"<file {upload.name!r}, {size} bytes>" if size is not None else repr(upload)


# Entry-form fields are named after indicators: a field of each value type, plus a code no
# system has. DS.1.3 is a percentage, DS.2.2 a number, DS.2.3 a count without maximum,
# DS.5.1 a rubric with evidence, PP.2.3 yes/no.
ENTRY_CODES = ("DS.1.1", "DS.1.3", "DS.2.2", "DS.2.3", "DS.5.1", "PP.2.3", "XX.9.9")


def entry_fields(*kinds: str) -> tuple[str, ...]:
    return tuple(f"{kind}-{code}" for code in ENTRY_CODES for kind in kinds)


RATING_CSV = (
    "行政区划代码,评价日期,评价等级\n330106,2026-03-01,满意\n330106,2026-03-02,不满意\n"
    "330102,2026-04-01,非常满意\n"
).encode()
POPULATION_CSV = "行政区划代码,年份,常住人口\n330106,2025,1200000\n330102,2025,560000\n".encode()


def plausible_values(world, name: str, *, version: int, workbook: bytes) -> dict[str, list]:
    """Values a person could really send to the URL `name`, by parameter name (prefixes for
    the entry form's fields). A list among the values is sent as a repeated key."""
    from assessment.demo.demo import DEMO_PASSWORD

    open_, published = str(world.open_round), str(world.published_round)
    return {**_common(world, open_, published, DEMO_PASSWORD, version, workbook),
            **_for_url(world, name)}  # fmt: skip


def _for_url(world, name: str) -> dict[str, list]:
    """Where a URL accepts fewer values than the others with the same parameter name."""
    from assessment.collection.models import Round
    from assessment.rectification.services.practices import eligible_leaves
    from assessment.regions.models import Region

    if name == "assessment:round_edit":  # an open round keeps its system, scope and levels
        round_ = Round.objects.get(pk=world.open_round)
        return {
            "system": [str(round_.system_id)],
            "scope": [round_.scope_id],
            "levels": [list(round_.levels)],
            "opens_at": [f"{round_.opens_at:%Y-%m-%dT%H:%M}"],
            "previous": [str(world.published_round), ""],
        }
    if name == "assessment:feed_list":  # a raw 好差评 log for a platform-fed indicator
        round_ = Round.objects.get(pk=world.open_round)
        fed = round_.system.indicators.filter(source="platform").values_list("pk", flat=True)
        return {
            "indicator": [str(pk) for pk in fed],
            "source_name": ["省好差评系统"],
            "aggregation": ["count", "rate", "mean", "sum", "per_10k"],
            "region_column": ["行政区划代码"],
            "value_column": ["评价等级", ""],
            "condition_column": ["评价等级", ""],
            "condition_op": ["in", "eq", "gt"],
            "condition_value": ["满意,非常满意", "5"],
            "date_column": ["评价日期", ""],
            "date_from": ["2026-01-01"],
            "date_to": ["2026-12-31"],
            "file": [RATING_CSV],
        }
    if name == "admin:indicators_indicatorsystem_ahp":  # the draft the matrix's case made
        from indicators.models import IndicatorSystem
        from tests.test_permission_matrix import draft_system

        draft = IndicatorSystem.objects.get(pk=draft_system(world))
        areas = draft.indicators.filter(parent=None).order_by("order", "code")
        return {
            "group": ["areas", "areas", str(draft.indicators.get(code="DS").pk)],
            "experts": ["1", "2"],
            "members": [",".join(str(pk) for pk in areas.values_list("pk", flat=True))],
            "action": ["calculate", "apply", "apply"],
            # Mostly mild judgements, so that some are consistent and "apply" writes.
            "a-": ["1", "1", "1", "1", "2", "1/2", "9"],
        }
    if name == "assessment:population":
        return {"file": [POPULATION_CSV]}
    if name == "assessment:practice_new":  # the indicators region A may share on
        round_ = Round.objects.get(pk=world.published_round)
        eligible = eligible_leaves(round_=round_, region=Region.objects.get(code="330106"))
        return {"indicator": [str(e.indicator_id) for e in eligible] or [str(world.leaf)]}
    if name == "assessment:notification_preferences":
        return {"email_immediately": ["on", ""], "daily_digest": ["on", ""],
                "muted": [["round_opened", "round_closed"], "deadline"]}  # fmt: skip
    if name in ("assessment:notification_read", "assessment:progress_chase"):
        return {"go": ["1"], "not_started": ["1", ""]}
    return {}


def _common(world, open_, published, password, version, workbook) -> dict[str, list]:
    return {
        # accounts and language
        "next": ["/", "/rounds/", "https://evil.example/", "//evil.example"],
        "username": ["admin", "staff-330106"],
        "password": [password],
        "old_password": [password],
        "new_password1": ["Fuzz-password-2026"],
        "new_password2": ["Fuzz-password-2026"],
        "language": ["en", "zh-hans"],
        # rounds
        "name": ["2027年度评估"],
        "period": ["2027"],
        "system": [str(world_system(world))],
        "scope": ["330000", "330106", ""],
        "levels": [["city", "county"], "city", "county", "province"],
        "opens_at": ["2026-01-01T08:00", "2026-01-01"],
        "closes_at": ["2030-12-31T18:00", "2030-12-31 18:00"],
        "previous": [published, open_],
        "task_threshold": ["60", "0", "100", "59.5"],
        "region": ["330106", "330203", "330000"],
        "reason": ["请补充说明"],
        "source": [published],
        "indicator": [str(world.leaf), "DS.1.1", "DS.2.2"],
        # the entry form (and the review's comments)
        "version": [str(version)],
        "value-": ["85", "85.5", "0", "100", "1", "L3", "是", "12"],
        "note-": ["说明"],
        "link-": ["https://data.example.gov.cn/DS"],
        "resolve-": ["mine", "theirs"],
        "remove-evidence": [str(world.evidence)],
        "comment-": ["请核实"],
        # the ranking filter and its table
        "level": ["city", "county", "province"],
        "parent": ["330100", "330200"],
        "maturity": ["L1", "L3", "L5"],
        "rank_by": ["", "DS", "SV"],
        "race": ["score", "progress"],
        "focus": ["330106", "330102"],
        "sort": ["rank", "-rank", "score", "-score", "area_DS", "region", "change"],
        "progress_sort": ["change", "-change", "rank"],
        "page": ["1", "2", "3"],
        "progress_page": ["1", "2"],
        "per_page": ["10", "50"],
        "progress_per_page": ["10"],
        "show": ["all"],
        # tasks and practices
        "round": [published, open_],
        "status": ["open", "in_progress", "done", "pending", "approved", "returned"],
        "overdue": ["1", "0"],
        "plan": ["整改方案"],
        "note": ["已完成"],
        "percent": ["50", "100", "0"],
        "link": ["https://data.example.gov.cn/fix"],
        "title": ["标题"],
        "finding": ["问题"],
        "due_date": ["2030-01-01"],
        "description": ["做法"],
        "results": ["成效"],
        "contacts": ["办公室 张三 0571-12345678"],
        "q": ["做法", "DS"],
        "area": ["DS", "SV"],
        "include_approved": ["on"],
        # appeals
        "working_days": ["5", "1", "30"],
        "category": ["data_error", "evidence", "upstream", "rule"],
        "statement": ["统计口径有误"],
        "action": ["save", "submit", "reject", "correct", "exempt"],
        "value": ["85", "100", ""],
        "resolution": ["接口已开通"],
        # uploads (contents)
        "workbook": [workbook],
        "files": [PDF_BYTES],
        "file-": [PDF_BYTES],
        # actions: the confirmation of dangerous buttons; submissions to approve at once
        "confirm": ["yes"],
        "submission": submission_choices(world),
    }


def submission_choices(world) -> list:
    """Region A's submission in the open round (a draft), one the demo submitted, both."""
    from assessment.collection.models import Submission

    rows = Submission.objects.filter(round_id=world.open_round, region_id__in=["330106", "330109"])
    ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
    return [*ids, ids]


def world_system(world) -> int:
    from assessment.collection.models import Round

    return Round.objects.values_list("system_id", flat=True).get(pk=world.published_round)


def _lookup(values: Mapping[str, list], name: str) -> list:
    if name in values:
        return values[name]
    prefix = re.match(r"(resolve-|[a-z]+-)", name)
    return values.get(prefix.group(1), []) if prefix else []


ABSENT = "<absent>"  # a drawn value that means "not sent"


def one_value(values: Mapping[str, list], name: str) -> st.SearchStrategy:
    """A value for `name`: three times in five a plausible one (so that a form gets past its
    first checks), else a hostile one or none; sometimes a list (the key repeated: views read
    .get(), the last, or .getlist())."""
    plausible = _lookup(values, name)
    hostile = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
    if not plausible:
        return st.one_of(hostile, st.just(ABSENT))
    usual = st.sampled_from(plausible)
    return st.one_of(usual, usual, usual, hostile, st.just(ABSENT))


def one_upload(values: Mapping[str, list], name: str) -> st.SearchStrategy:
    single = uploads(_lookup(values, name))
    many = st.lists(single, min_size=2, max_size=2)
    return st.one_of(st.just(ABSENT), single, many, hostile_text)


# Parameters nobody reads: a view must not trip over them either.
junk = st.dictionaries(
    st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=12
    ).filter(lambda key: key not in ("csrfmiddlewaretoken",)),
    hostile_text,
    max_size=2,
)


def _some(names, values, draw_one: Callable) -> st.SearchStrategy[dict]:
    drawn = st.fixed_dictionaries({name: draw_one(values, name) for name in names})
    return drawn.map(lambda params: {k: v for k, v in params.items() if v is not ABSENT})


def _plausible(names, values) -> st.SearchStrategy[dict]:
    """Every parameter that has plausible values, with one of them (a form that can pass)."""
    return st.fixed_dictionaries(
        {name: st.sampled_from(_lookup(values, name)) for name in names if _lookup(values, name)}
    )


@st.composite
def request_strategy(
    draw, method: str, inputs: Inputs, values: Mapping[str, list], *, form: tuple[str, ...]
) -> Request:
    """A request of `method`: the query parameters the view reads, and on a POST its form
    fields and uploads, plus parameters nobody reads.

    Half of the requests are plausible (every parameter a person could send) with one
    parameter, the target, hostile three times in four: a single bad value among good ones
    is what gets past a form's first checks and reaches the services and the database. The
    other half mix plausible, hostile and absent parameters freely."""
    post = method == "POST"
    some = _some if draw(st.booleans()) else (lambda names, values, _: _plausible(names, values))
    query = draw(some(inputs.query, values, one_value))
    body = draw(some(form, values, one_value)) if post else {}
    files = draw(_some(inputs.files, values, one_upload)) if post else {}
    targets = [(query, name) for name in inputs.query]
    targets += [(body, name) for name in form] if post else []
    if targets and draw(st.integers(0, 3)):
        params, name = draw(st.sampled_from(targets))
        params[name] = draw(st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3)))
    extra = draw(junk)
    if post:
        return Request(method, query, {**extra, **body}, files)
    return Request(method, {**extra, **query})
