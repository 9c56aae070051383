"""What the API answers, as pydantic schemas (they are the OpenAPI schema's components)."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import field_validator

from assessment.results.models import Standing
from assessment.results.models.standings import area_fields

PUSH_MAX_ROWS = 50_000  # a national round × 15 fed indicators; larger work goes as a raw file


class Problem(Schema):
    detail: str


#: The error answers every endpoint may give, in the schema so that clients can rely on them.
ERRORS = {401: Problem, 403: Problem, 404: Problem, 429: Problem}
ERRORS_PUSH = {**ERRORS, 409: Problem, 413: Problem}


class RowProblem(Schema):
    index: int | None = Field(None, description="Position of the row in `values` (0-based).")
    indicator: str | None = None
    message: str


class PushProblems(Schema):
    detail: str
    problems: list[RowProblem]
    problem_count: int


class SystemOut(Schema):
    code: str
    version: int
    name: str


class RoundOut(Schema):
    id: int
    name: str
    period: str
    status: str
    scope: str | None = Field(None, description="Code of the root region; null: nationwide.")
    levels: list[str]
    monthly: bool
    system: SystemOut
    computed_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_scope(round_) -> str | None:
        return round_.scope_id


class IndicatorOut(Schema):
    code: str
    name: str
    parent: str | None
    weight: float
    value_type: str
    unit: str
    source: str


class RoundDetailOut(RoundOut):
    indicators: list[IndicatorOut]


class MaturityOut(Schema):
    code: str
    name: str


class AreaOut(Schema):
    code: str
    score: float | None
    rank: int | None


class StandingOut(Schema):
    region: str
    name: str
    level: str
    parent: str | None
    score: float | None
    rank: int | None
    rank_in_parent: int | None
    rank_low: int | None
    rank_high: int | None
    maturity: MaturityOut | None
    areas: list[AreaOut]
    change: float | None
    rank_change: int | None
    corrected: int
    overstated: int

    @staticmethod
    def resolve_region(standing: Standing) -> str:
        return standing.region_id

    @staticmethod
    def resolve_name(standing: Standing) -> str:
        return standing.name

    @staticmethod
    def resolve_level(standing: Standing) -> str:
        return standing.region_level

    @staticmethod
    def resolve_parent(standing: Standing) -> str | None:
        return standing.parent_id

    @staticmethod
    def resolve_areas(standing: Standing, context) -> list[dict]:
        codes = context["request"].area_codes  # set by the endpoint: the system's areas
        return [
            {"code": code, "score": getattr(standing, score), "rank": getattr(standing, rank)}
            for code, (score, rank) in zip(codes, map(area_fields, range(len(codes))), strict=True)
        ]


class ResultOut(Schema):
    code: str | None = Field(None, description="Indicator code; null for the overall score.")
    kind: str
    score: float | None
    rank: int | None
    rank_in_parent: int | None
    value: str | None = Field(None, description="The value scored (leaves), as text.")


class ProfileOut(Schema):
    round: int
    region: str
    name: str
    level: str
    snapshot_at: datetime | None
    overall: StandingOut | None
    results: list[ResultOut]


class IndicatorRowOut(Schema):
    region: str
    name: str
    score: float | None
    rank: int | None
    rank_in_parent: int | None

    @staticmethod
    def resolve_region(result) -> str:
        return result.region_id

    @staticmethod
    def resolve_name(result) -> str:
        return result.region.name


class PushValue(Schema):
    region: str = Field(..., max_length=20, description="Six-digit region code.")
    indicator: str = Field(..., max_length=20, description="Indicator code, e.g. SV.4.1.")
    value: float | int | str | None = Field(
        ..., description="A number (text such as “85.5” is read as typed values are)."
    )

    @field_validator("value")
    @classmethod
    def short_text(cls, value):
        if isinstance(value, str) and len(value) > 40:
            raise ValueError("at most 40 characters")
        return value


class PushIn(Schema):
    values: list[PushValue] = Field(..., max_length=PUSH_MAX_ROWS)


class PushOut(Schema):
    round: int
    rows: int
    changed: int
    unchanged: int
    submissions: int
    replayed: bool = Field(False, description="True: the same key was applied before.")
    recompute: bool = Field(False, description="True: a monthly round is being recomputed.")
