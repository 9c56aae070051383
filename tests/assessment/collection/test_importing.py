"""Bulk import of values: the dry run reports every problem; applying is all or nothing."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from assessment.collection.models import AuditEntry, Submission, Value
from assessment.collection.services.importing import (
    ImportRefused,
    ImportRules,
    apply_file,
    check_import,
)
from assessment.collection.services.submissions import submission_approve, submission_submit
from tests.assessment.collection.workbooks import (
    as_bytes,
    column_letter,
    column_of,
    put,
    row_of,
    stored,
    template,
)
from tests.assessment.conftest import fill


def check(round_, workbook: Workbook, rules: ImportRules | None = None):
    return check_import(round=round_, source=as_bytes(workbook), rules=rules or ImportRules())


def messages(result) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in result.problems]


# --- Checking and applying ------------------------------------------------------------------


def test_a_clean_file_is_applied_with_an_audit_entry_per_change(
    open_round, staff_xihu, xihu, administrator
):
    fill(xihu, staff_xihu)
    book = template(open_round)
    sheet = book["填报数据"]
    put(sheet, "330106", "DS.1.1", 88.5)  # changed
    put(sheet, "330108", "DS.1.1", 70)  # new
    put(sheet, "330108", "PP.2.3", "是")
    put(sheet, "330203", "DS.5.1", "L4")
    result = check(open_round, book)
    assert result.ok, messages(result)
    assert result.summary()["changes"] == 4 and result.summary()["submissions"] == 3
    assert result.summary()["unchanged"] == 42  # 西湖区's other values, as exported
    version = Submission.objects.get(pk=xihu.pk).version
    apply_file(round=open_round, path=as_bytes(book), user=administrator, rules=ImportRules())
    assert stored(open_round, "330106", "DS.1.1") == Decimal("88.5")
    assert stored(open_round, "330108", "PP.2.3") == 1
    assert stored(open_round, "330203", "DS.5.1") == 4
    entries = AuditEntry.objects.filter(source="import")
    assert entries.count() == 4
    xihu_entry = entries.get(submission=xihu)
    assert (xihu_entry.old, xihu_entry.new, xihu_entry.actor) == ("50", "88.5", administrator)
    assert xihu_entry.version == version + 1 == Submission.objects.get(pk=xihu.pk).version
    binjiang = Submission.objects.get(round=open_round, region_id="330108")
    assert binjiang.status == "draft" and binjiang.version == 1  # was not started
    assert Value.objects.get(submission=xihu, indicator__code="DS.1.1").note == ""


def test_an_import_makes_an_open_form_see_a_conflict(open_round, staff_xihu, xihu, administrator):
    from assessment.collection.services.entry import EntryInput, submission_save

    book = template(open_round)
    put(book["填报数据"], "330106", "DS.1.1", 60)
    apply_file(round=open_round, path=as_bytes(book), user=administrator, rules=ImportRules())
    leaf = open_round.system.indicators.get(code="DS.1.1")
    result = submission_save(
        submission=xihu,
        user=staff_xihu,
        base_version=0,  # the form was opened before the import
        data=EntryInput(values={leaf.pk: Decimal(70)}),
    )
    assert [(c.theirs, c.mine) for c in result.conflicts] == [("60", "70")]


def test_approved_and_submitted_submissions_are_locked_unless_an_administrator_says_so(
    open_round, staff_xihu, staff_binjiang, xihu, supervisor_hangzhou, administrator
):
    fill(xihu, staff_xihu)
    submission_submit(submission=xihu, user=staff_xihu)
    submission_approve(submission=xihu, user=supervisor_hangzhou)
    binjiang = Submission.objects.get(round=open_round, region_id="330108")
    fill(binjiang, staff_binjiang)
    submission_submit(submission=binjiang, user=staff_binjiang)
    book = template(open_round)
    put(book["填报数据"], "330106", "DS.1.1", 99)
    put(book["填报数据"], "330108", "DS.1.1", 99)
    result = check(open_round, book)
    assert [(r, c) for r, c, _ in messages(result)] == [
        (row_of(book["填报数据"], "330106"), "A"),
        (row_of(book["填报数据"], "330108"), "A"),
    ]
    assert "locked" in result.problems[0].message or "锁定" in result.problems[0].message
    with pytest.raises(ImportRefused):
        apply_file(round=open_round, path=as_bytes(book), user=None, rules=ImportRules())
    assert stored(open_round, "330106", "DS.1.1") == 50
    apply_file(
        round=open_round,
        path=as_bytes(book),
        user=administrator,
        rules=ImportRules(include_approved=True),
    )
    assert stored(open_round, "330106", "DS.1.1") == 99
    assert Submission.objects.get(pk=xihu.pk).status == "approved"


def test_staff_may_import_their_own_region_only(open_round, staff_xihu):
    from django.db.models import Q

    book = template(open_round)
    put(book["填报数据"], "330106", "DS.1.1", 70)
    put(book["填报数据"], "330108", "DS.1.1", 70)
    rules = ImportRules(scope=Q(region__code="330106"), respect_window=True)
    result = check(open_round, book, rules)
    [(_row, column, message)] = messages(result)
    assert column == "A" and "330108" in message


def test_staff_imports_respect_the_deadline(open_round, staff_xihu):
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    open_round.closes_at = timezone.now() - timedelta(hours=1)
    open_round.save()
    book = template(open_round)
    put(book["填报数据"], "330106", "DS.1.1", 70)
    rules = ImportRules(scope=Q(region__code="330106"), respect_window=True)
    assert len(check(open_round, book, rules).problems) == 1
    assert check(open_round, book).ok  # the central team may still load late data


# --- Malformed workbooks ----------------------------------------------------------------------


def test_a_malformed_workbook_gets_a_complete_report_and_nothing_is_written(
    open_round, administrator
):
    book = template(open_round)
    sheet = book["填报数据"]
    xihu_row, binjiang_row = row_of(sheet, "330106"), row_of(sheet, "330108")
    put(sheet, "330106", "DS.1.1", "八十")  # text in a number cell
    put(sheet, "330106", "DS.1.2", "=1+1")  # a formula
    put(sheet, "330106", "DS.1.3", 150)  # out of bounds
    put(sheet, "330106", "DS.2.3", 2.5)  # a count must be whole
    put(sheet, "330108", "PP.2.3", 3)  # yes/no
    put(sheet, "330108", "SV.1.1", 80)  # valid, but the file as a whole is refused
    sheet.cell(xihu_row, column_of(sheet, "SV.1.2")).value = 0.85
    sheet.cell(xihu_row, column_of(sheet, "SV.1.2")).number_format = "0%"
    sheet.cell(1, 46).value = "XX.9.9"  # an unknown column
    sheet.cell(binjiang_row, 47).value = 5  # data in a column without a code
    for row, code in [(200, "999999"), (201, "110101"), (202, "3301"), (203, "330106")]:
        sheet.cell(row, 1).value = code  # unknown, outside the round, not a code, twice
        sheet.cell(row, 3).value = 50
    sheet.cell(205, 1).value = "330102"  # a row without values changes nothing: no problem
    sheet.merge_cells(start_row=204, start_column=1, end_row=204, end_column=2)
    result = check(open_round, book)
    found = {(row, column): message for row, column, message in messages(result)}
    expected_places = {
        (xihu_row, "C"),
        (xihu_row, "D"),
        (xihu_row, "E"),
        (xihu_row, column_letter(sheet, "DS.2.3")),
        (xihu_row, column_letter(sheet, "SV.1.2")),
        (binjiang_row, column_letter(sheet, "PP.2.3")),
        (1, "AT"),
        (binjiang_row, "AU"),
        (200, "A"),
        (201, "A"),
        (202, "A"),
        (203, "A"),
        (204, "A"),
    }
    assert set(found) == expected_places, found
    assert all(problem.sheet == "填报数据" for problem in result.problems)
    with pytest.raises(ImportRefused) as refused:
        apply_file(round=open_round, path=as_bytes(book), user=administrator, rules=ImportRules())
    assert len(refused.value.check.problems) == len(expected_places)
    assert not Value.objects.exists() and not AuditEntry.objects.exists()


def test_a_missing_sheet_is_reported(open_round):
    book = Workbook()
    book.active.title = "Sheet1"
    result = check(open_round, book)
    [problem] = result.problems
    assert "填报数据" in problem.message and "Sheet1" in problem.message


def test_moved_headers_are_reported(open_round):
    book = template(open_round)
    book["填报数据"].insert_rows(1)
    [problem] = check(open_round, book).problems
    assert (problem.row, problem.column) == (1, "A")


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_reported(open_round, content):
    result = check_import(round=open_round, source=io.BytesIO(content), rules=ImportRules())
    [problem] = result.problems
    assert problem.row is None


def test_a_workbook_with_xml_entities_is_refused_unread(open_round):
    # A "billion laughs" sheet: openpyxl parses uploads through defusedxml, which refuses
    # entity declarations instead of expanding them in memory.
    source = io.BytesIO()
    template(open_round).save(source)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    hostile = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(hostile, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode()
            copy.writestr(item, data)
    hostile.seek(0)
    result = check_import(round=open_round, source=hostile, rules=ImportRules())
    [problem] = result.problems
    assert problem.row is None
    assert not result.changes


def test_a_sheet_longer_than_the_round_is_refused_before_its_rows_are_read(open_round):
    """101 regions: a sheet for this round ends by row 4 + 101 + 100 spare rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("填报数据")
    sheet.append(["地区代码", "地区名称", "DS.1.1", "DS.1.2"])
    for _ in range(3):
        sheet.append([])
    for number in range(10_000):
        sheet.append([f"9{number:05d}", "x", 50, "abc"])
    result = check(open_round, book)
    [problem] = result.problems
    assert "10004" in problem.message and "101" in problem.message and "205" in problem.message
    assert result.rows == 0 and not result.changes  # nothing was read
    assert result.summary()["problems_complete"] is False


def test_every_problem_of_a_sheet_within_the_bounds_is_counted(open_round):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("填报数据")
    sheet.append(["地区代码", "地区名称", "DS.1.1", "DS.1.2"])
    for _ in range(3):
        sheet.append([])
    for number in range(150):
        sheet.append([f"9{number:05d}", "x", 50, "abc"])
    result = check(open_round, book)
    assert result.rows == 150
    # every row: an unknown region and a wrong type in D
    assert result.problem_count == len(result.problems) == 300
    assert result.problems[-1].row == 5 + 149
    assert not result.changes


def test_problems_beyond_the_kept_number_are_counted_not_kept():
    from assessment.collection.services.import_read import PROBLEMS_KEPT, Problems

    problems = Problems()
    for number in range(PROBLEMS_KEPT + 5):
        problems.add(number, 3, "x")
    assert problems.count == PROBLEMS_KEPT + 5
    assert len(problems.kept) == PROBLEMS_KEPT and problems.kept[-1].row == PROBLEMS_KEPT - 1
    assert problems.kept[0].column == "C"


# --- The commands ---------------------------------------------------------------------------


def test_export_and_import_commands(open_round, tmp_path, administrator):
    target = tmp_path / "values.xlsx"
    call_command("export_values", str(open_round.pk), str(target))
    book = load_workbook(target)
    put(book["填报数据"], "330106", "DS.1.1", 77)
    book.save(target)
    out = io.StringIO()
    call_command("import_values", str(open_round.pk), str(target), "--dry-run", stdout=out)
    assert "1 changes" in out.getvalue() and stored(open_round, "330106", "DS.1.1") is None
    call_command("import_values", str(open_round.pk), str(target), "--user", "admin", stdout=out)
    assert stored(open_round, "330106", "DS.1.1") == 77
    assert AuditEntry.objects.get(source="import").actor == administrator


def test_the_import_command_lists_problems_and_fails(open_round, tmp_path):
    target = tmp_path / "values.xlsx"
    book = template(open_round)
    put(book["填报数据"], "330106", "DS.1.1", 300)
    put(book["填报数据"], "330108", "DS.1.1", 30)
    book.save(target)
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_values", str(open_round.pk), str(target), stderr=errors)
    assert "column C" in errors.getvalue()
    assert stored(open_round, "330108", "DS.1.1") is None


def test_unchanged_rows_of_locked_submissions_are_not_problems(
    open_round, staff_xihu, xihu, supervisor_hangzhou
):
    """Re-uploading a whole-round export works: approved rows only matter if they change."""
    fill(xihu, staff_xihu)
    submission_submit(submission=xihu, user=staff_xihu)
    submission_approve(submission=xihu, user=supervisor_hangzhou)
    book = template(open_round)  # 西湖区's row holds its approved values
    put(book["填报数据"], "330108", "DS.1.1", 70)
    result = check(open_round, book)
    assert result.ok and len(result.changes) == 1 and result.unchanged == 43


def test_a_batch_refused_on_apply_keeps_the_problems_of_the_second_check(
    open_round, staff_xihu, xihu, supervisor_hangzhou, administrator
):
    """The dry run was clean; the submission was approved before the import was applied: the
    apply is refused and the batch's report shows why (not the stale clean one)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.collection.services.importing import import_apply, import_dry_run

    fill(xihu, staff_xihu)
    book = template(open_round)
    put(book["填报数据"], "330106", "DS.1.1", 99)
    upload = SimpleUploadedFile("values.xlsx", as_bytes(book).getvalue())
    batch = import_dry_run(round=open_round, upload=upload, user=administrator,
                           rules=ImportRules())  # fmt: skip
    assert batch.problem_count == 0
    submission_submit(submission=xihu, user=staff_xihu)
    submission_approve(submission=xihu, user=supervisor_hangzhou)
    with pytest.raises(ImportRefused):
        import_apply(batch=batch, user=administrator, rules=ImportRules())
    batch.refresh_from_db()
    assert batch.problem_count == 1 and batch.status == "checked"
    assert "330106" in batch.problems[0][3]
    assert stored(open_round, "330106", "DS.1.1") == 50
