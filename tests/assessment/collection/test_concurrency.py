"""Two people (or two tabs) saving the same submission: no silent overwrite, nothing lost."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse

from assessment.collection.models import AuditEntry, Submission, Value
from assessment.collection.services.entry import EntryInput, submission_save
from tests.assessment.conftest import form_data
from tests.conftest import make_user


def leaf_id(submission, code: str) -> int:
    return submission.round.system.indicators.get(code=code).pk


def stored(submission, code: str):
    row = Value.objects.filter(submission=submission, indicator__code=code).first()
    return row.value if row else None


def save(submission, user, version, **values):
    data = EntryInput(
        values={leaf_id(submission, code.replace("_", ".")): v for code, v in values.items()}
    )
    return submission_save(submission=submission, user=user, base_version=version, data=data)


@pytest.fixture
def colleague(xihu):
    """A second member of 西湖区's staff."""
    return make_user("staff-330106-b", "330106", "staff")


def test_the_later_save_of_the_same_field_is_a_conflict(xihu, staff_xihu, colleague):
    first = save(xihu, staff_xihu, 0, DS_1_1=Decimal(80))
    second = save(xihu, colleague, 0, DS_1_1=Decimal(90))
    assert first.version == 1 and not first.conflicts
    assert second.version == 1 and second.saved == 0
    [conflict] = second.conflicts
    assert (conflict.theirs, conflict.mine, conflict.by) == ("80", "90", "staff-330106")
    assert stored(xihu, "DS.1.1") == 80  # the earlier save stands


def test_fields_the_other_person_did_not_touch_merge_without_conflict(xihu, staff_xihu, colleague):
    save(xihu, staff_xihu, 0, DS_1_1=Decimal(80))
    # The colleague's form (version 0) still shows DS.1.1 empty and changes DS.1.2 only.
    result = save(xihu, colleague, 0, DS_1_1=None, DS_1_2=Decimal(70))
    assert not result.conflicts and result.version == 2
    assert stored(xihu, "DS.1.1") == 80  # not reset to the stale empty value
    assert stored(xihu, "DS.1.2") == 70


def test_both_typing_the_same_value_is_no_conflict(xihu, staff_xihu, colleague):
    save(xihu, staff_xihu, 0, DS_1_1=Decimal(80))
    assert not save(xihu, colleague, 0, DS_1_1=Decimal("80.0")).conflicts


def test_a_conflict_is_resolved_by_saving_again_from_the_new_version(xihu, staff_xihu, colleague):
    save(xihu, staff_xihu, 0, DS_1_1=Decimal(80))
    conflicted = save(xihu, colleague, 0, DS_1_1=Decimal(90))
    assert conflicted.conflicts
    resolved = save(xihu, colleague, conflicted.version, DS_1_1=Decimal(90))
    assert not resolved.conflicts and stored(xihu, "DS.1.1") == 90
    # The trail shows both changes, each with who made it.
    trail = AuditEntry.objects.filter(submission=xihu, action="value").order_by("version")
    assert [(e.actor.username, e.old, e.new) for e in trail] == [
        ("staff-330106", "", "80"),
        ("staff-330106-b", "80", "90"),
    ]


def test_the_form_shows_both_values_and_keeps_what_was_typed(client, xihu, staff_xihu, colleague):
    url = reverse("assessment:entry", args=[xihu.round_id, "330106"])
    stale = form_data(xihu, {"value-DS.1.1": "90", "value-DS.1.2": "70"})
    save(xihu, staff_xihu, 0, DS_1_1=Decimal(80))
    client.force_login(colleague)
    response = client.post(url, stale)
    assert response.status_code == 200
    page = response.content.decode()
    box = page.split('data-testid="conflict-DS.1.1"')[1].split("</div>\n      </div>")[0]
    assert "80" in box and "90" in box and "staff-330106" in box
    assert 'name="value-DS.1.1" value="90"' in page  # what the colleague typed is still there
    assert stored(xihu, "DS.1.2") == 70  # the field without conflict was saved
    xihu.refresh_from_db()
    assert f'name="version" value="{xihu.version}"' in page
    # Choosing "theirs" keeps 80; the other choice would have written 90.
    again = form_data(xihu, {"value-DS.1.1": "90", "resolve-value-DS.1.1": "theirs"})
    assert client.post(url, again).status_code == 302
    assert stored(xihu, "DS.1.1") == 80


def test_a_conflict_alone_can_be_resolved_with_mine(client, xihu, staff_xihu, colleague):
    """Only the conflicting field was changed: nothing is written, and the page carries the
    current version so that choosing "mine" and saving again goes through."""
    url = reverse("assessment:entry", args=[xihu.round_id, "330106"])
    stale = form_data(xihu, {"value-DS.1.1": "90"})
    save(xihu, staff_xihu, 0, DS_1_1=Decimal(80))
    client.force_login(colleague)
    page = client.post(url, stale).content.decode()
    assert 'data-testid="conflict-DS.1.1"' in page
    assert 'name="version" value="1"' in page
    again = form_data(xihu, {"value-DS.1.1": "90", "resolve-value-DS.1.1": "mine"})
    assert client.post(url, again).status_code == 302
    assert stored(xihu, "DS.1.1") == 90


def test_the_version_moves_on_with_each_save(xihu, staff_xihu):
    for number in range(1, 4):
        result = save(xihu, staff_xihu, number - 1, DS_1_1=Decimal(number))
        assert result.version == number
    assert Submission.objects.get(pk=xihu.pk).version == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent connections need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_at_once_on_postgresql(default_system, regions):
    """Two threads, each on its own connection, save from the same version at the same
    moment, again and again: one wins each time, the other gets a conflict, nothing is lost."""
    from tests.assessment.builders import make_open_round

    round_ = make_open_round(default_system)
    submission = Submission.objects.select_related("round__system").get(
        round=round_, region_id="330106"
    )
    users = [make_user("staff-a", "330106", "staff"), make_user("staff-b", "330106", "staff")]
    code = "DS.1.1"
    for attempt in range(10):
        version = Submission.objects.get(pk=submission.pk).version
        results = race(submission, users, version, [Decimal(10 * attempt + i) for i in (0, 1)])
        outcomes = sorted((bool(r.conflicts), r.saved) for r in results.values())
        assert outcomes == [(False, 1), (True, 0)]
        winner = next(i for i, r in results.items() if not r.conflicts)
        assert stored(submission, code) == Decimal(10 * attempt + winner)
        assert Submission.objects.get(pk=submission.pk).version == version + 1
    assert AuditEntry.objects.filter(submission=submission, action="value").count() == 10


def race(submission, users, version: int, values: list[Decimal]) -> dict[int, object]:
    """Both users save DS.1.1 from `version` at the same moment, each on its own connection."""
    barrier = threading.Barrier(len(users))
    results: dict[int, object] = {}

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = save(submission, users[index], version, DS_1_1=values[index])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent connections need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_ten_people_saving_different_fields_at_once_all_get_saved(default_system, regions):
    """Ten sessions save ten different fields of one submission from the same version at the
    same moment: every save goes through (they queue on the row lock), none is refused as
    busy, and all ten values are stored."""
    from tests.assessment.builders import make_open_round

    round_ = make_open_round(default_system)
    submission = Submission.objects.select_related("round__system").get(
        round=round_, region_id="330106"
    )
    users = [make_user(f"staff-{i}", "330106", "staff") for i in range(10)]
    codes = ["DS.1.1", "DS.1.2", "DS.1.3", "DS.2.1", "DS.2.2", "SV.1.1", "SV.1.2", "SV.2.1",
             "BL.1.1", "PP.1.1"]  # fmt: skip
    barrier = threading.Barrier(len(users))
    results, errors = {}, {}

    def run(index: int) -> None:
        try:
            barrier.wait()
            value = {codes[index].replace(".", "_"): Decimal(50 + index)}
            results[index] = save(submission, users[index], 0, **value)
        except Exception as error:  # a refused save is what this test is about
            errors[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert all(not r.conflicts and r.saved == 1 for r in results.values())
    assert {code: stored(submission, code) for code in codes} == {
        code: Decimal(50 + i) for i, code in enumerate(codes)
    }
    assert Submission.objects.get(pk=submission.pk).version == 10


def test_a_version_the_submission_never_had_is_refused_with_the_input_kept(
    client, xihu, staff_xihu
):
    """A form claiming a newer version than the stored one would hide every other change."""
    save(xihu, staff_xihu, 0, DS_1_1=Decimal(80))
    url = reverse("assessment:entry", args=[xihu.round_id, "330106"])
    client.force_login(staff_xihu)
    data = {**form_data(xihu, {"value-DS.1.1": "91", "note-DS.1.1": "见台账"}), "version": "99"}
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'name="value-DS.1.1" value="91"' in page and "见台账" in page
    assert 'name="version" value="1"' in page  # the stored version, to save again from
    assert stored(xihu, "DS.1.1") == 80
    assert Submission.objects.get(pk=xihu.pk).version == 1


@pytest.mark.parametrize("version", ["1" * 30, "-1", "abc", ""])
def test_a_malformed_version_returns_the_form_with_the_input(client, xihu, staff_xihu, version):
    url = reverse("assessment:entry", args=[xihu.round_id, "330106"])
    client.force_login(staff_xihu)
    data = {**form_data(xihu, {"value-DS.1.1": "77"}), "version": version}
    response = client.post(url, data)
    assert response.status_code == 409
    assert 'name="value-DS.1.1" value="77"' in response.content.decode()
    assert stored(xihu, "DS.1.1") is None


def test_a_save_refused_because_the_form_is_locked_shows_what_was_typed(client, xihu, staff_xihu):
    Submission.objects.filter(pk=xihu.pk).update(status="submitted")
    url = reverse("assessment:entry", args=[xihu.round_id, "330106"])
    client.force_login(staff_xihu)
    response = client.post(url, form_data(xihu, {"value-DS.1.1": "66", "note-DS.1.1": "抽查"}))
    assert response.status_code == 409
    box = response.content.decode().split('data-testid="unsaved-input"')[1].split("</div>")[0]
    assert "DS.1.1" in box and "66" in box and "抽查" in box
    assert stored(xihu, "DS.1.1") is None


@pytest.mark.parametrize("ident", ["²", "٣", "1" * 30, "-3", "x"])
def test_odd_evidence_ids_to_remove_are_ignored(client, xihu, staff_xihu, ident):
    url = reverse("assessment:entry", args=[xihu.round_id, "330106"])
    client.force_login(staff_xihu)
    data = {**form_data(xihu, {"value-DS.1.1": "70"}), "remove-evidence": ident}
    assert client.post(url, data).status_code == 302
    assert stored(xihu, "DS.1.1") == 70
