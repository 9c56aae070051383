"""Mystery-shopping checklists: the level follows from the steps by the stored bands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.engine.checklist import (
    DEFAULT_BANDS,
    Checklist,
    ChecklistError,
    Step,
    StepResult,
    as_json,
    checklist_level,
    parse,
)

FIVE = Checklist("以老年人身份办理社保卡补领", "", tuple(Step(f"第{i}步", "") for i in range(5)))


def results(*done: bool) -> list[StepResult]:
    return [StepResult(d) for d in done]


@pytest.mark.parametrize(
    ("done", "level"),
    [((1, 1, 1, 1, 1), 5), ((1, 1, 1, 1, 0), 4), ((1, 1, 1, 0, 0), 3), ((1, 1, 0, 0, 0), 2),
     ((1, 0, 0, 0, 0), 1), ((0, 0, 0, 0, 0), 0)],
)  # fmt: skip
def test_the_default_bands_give_a_level_per_fifth_of_the_steps(done, level):
    outcome = checklist_level(FIVE, results(*map(bool, done)))
    assert outcome.level == level and outcome.passed == sum(done) and outcome.total == 5


def test_a_step_done_over_its_time_limit_counts_as_failed():
    checklist = Checklist("s", "", (Step("咨询转人工", "", minutes=5), Step("取号", "")))
    on_time = checklist_level(checklist, [StepResult(True, 4.5), StepResult(True, 90)])
    assert on_time.level == 5 and on_time.late == 0  # the second step has no limit
    late = checklist_level(checklist, [StepResult(True, 6), StepResult(True)])
    assert late.level == 2 and late.passed == 1 and late.late == 1  # 50 %: L2


def test_shares_compare_exactly():
    """2 of 3 is 66.7 %: L3; 1 of 3 is 33.3 %: L1 — and 4 of 5 is exactly 80 %: L4."""
    three = Checklist("s", "", (Step("a", ""), Step("b", ""), Step("c", "")))
    assert checklist_level(three, results(True, True, False)).level == 3
    assert checklist_level(three, results(True, False, False)).level == 1
    assert checklist_level(FIVE, results(True, True, True, True, False)).level == 4


def test_every_step_must_be_recorded():
    with pytest.raises(ChecklistError):
        checklist_level(FIVE, results(True))


def test_stored_bands_replace_the_default():
    strict = parse({"scenario_zh": "s", "steps": [{"zh": "a"}, {"zh": "b"}],
                    "bands": [[100, 4], [50, 1], [0, 0]]})  # fmt: skip
    assert strict.bands == ((100, 4), (50, 1), (0, 0))
    assert checklist_level(strict, results(True, True)).level == 4
    assert checklist_level(strict, results(True, False)).level == 1


@pytest.mark.parametrize(
    "data",
    [
        [1, 2],
        {"steps": [{"zh": "a"}]},  # no scenario
        {"scenario_zh": "s", "steps": []},
        {"scenario_zh": "s", "steps": [{"en": "only English"}]},
        {"scenario_zh": "s", "steps": [{"zh": "a", "minutes": -1}]},
        {"scenario_zh": "s", "steps": [{"zh": "a", "minutes": True}]},
        {"scenario_zh": "s", "steps": [{"zh": "a"}], "bands": [[100, 5], [50, 2]]},  # no 0 %
        {"scenario_zh": "s", "steps": [{"zh": "a"}], "bands": [[100, 2], [50, 3], [0, 0]]},
        {"scenario_zh": "s", "steps": [{"zh": "a"}], "bands": [[100, 6], [0, 0]]},
        {"scenario_zh": "s", "steps": [{"zh": str(i)} for i in range(31)]},
    ],
)
def test_a_broken_checklist_is_refused_with_a_reason(data):
    with pytest.raises(ChecklistError) as error:
        parse(data)
    assert str(error.value)


def test_no_checklist_is_none():
    assert parse({}) is None and parse(None) is None


@given(
    st.lists(st.tuples(st.booleans(), st.one_of(st.none(), st.integers(1, 60))), min_size=1,
             max_size=12),
    st.lists(st.tuples(st.booleans(), st.one_of(st.none(), st.integers(1, 90))), min_size=12,
             max_size=12),
)  # fmt: skip
def test_more_steps_passed_never_lowers_the_level(steps, recorded):
    checklist = Checklist("s", "", tuple(Step(str(i), "", m) for i, (_, m) in enumerate(steps)))
    done = [StepResult(d, m) for d, m in recorded[: len(steps)]]
    outcome = checklist_level(checklist, done)
    assert 0 <= outcome.level <= 5 and outcome.passed + outcome.late <= outcome.total
    for index, result in enumerate(done):
        if not result.done:
            better = [*done[:index], StepResult(True, None), *done[index + 1 :]]
            assert checklist_level(checklist, better).level >= outcome.level
    assert parse(as_json(checklist)) == checklist  # stored and read back unchanged
    assert checklist.bands == DEFAULT_BANDS
