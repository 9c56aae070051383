"""Classification schemes from Excel (分类方案导入): a two-column sheet, region code → class.

The file is read whole and checked before anything is written: every problem is reported with
its row, and a clean file replaces the scheme's classes in one transaction.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from assessment.core.excel import safe_text
from assessment.regions.models import Classification, Region, RegionClass

logger = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024  # a national mapping (3,214 rows) is about 60 KB
MAX_ROWS = 5_000
MAX_PROBLEMS = 200
LABEL_LENGTH = RegionClass._meta.get_field("label").max_length
_CODE = re.compile(r"\d{6}")
_ZIP = b"PK\x03\x04"


@dataclass
class ClassSheet:
    """What a file holds: (region code, class) pairs, or the problems that stop it."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)


def read_classes(upload: IO[bytes], size: int) -> ClassSheet:
    """Read and check an uploaded workbook (no write)."""
    sheet = ClassSheet()
    if size > MAX_BYTES:
        sheet.add(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 1024 // 1024})
        return sheet
    data = upload.read(MAX_BYTES + 1)
    if not data.startswith(_ZIP):
        sheet.add(_("The file is not an Excel workbook (.xlsx)."))
        return sheet
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        rows = list(book.worksheets[0].iter_rows(max_row=MAX_ROWS + 2, max_col=2, values_only=True))
    except Exception:  # openpyxl raises many kinds of errors on a broken file
        logger.info("unreadable classification upload", exc_info=True)
        sheet.add(_("The file is not an Excel workbook (.xlsx)."))
        return sheet
    if len(rows) > MAX_ROWS + 1:
        sheet.add(_("The sheet has more than %(rows)s rows.") % {"rows": f"{MAX_ROWS:,}"})
        return sheet
    _check_rows(rows, sheet)
    return sheet


def _check_rows(rows: list[tuple], sheet: ClassSheet) -> None:
    known = set(Region.objects.values_list("code", flat=True))
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        raw_code, raw_label = (*tuple(row), None, None)[:2]
        code = _code_text(raw_code)
        label = "" if raw_label is None else str(raw_label).strip()
        if number == 1 and not _CODE.fullmatch(code):
            continue  # a header row
        if not code and not label:
            continue
        where = _("Row %(row)s") % {"row": number}
        if not _CODE.fullmatch(code):
            sheet.add(f"{where}: " + _("“%(value)s” is not a six-digit region code.")
                      % {"value": code[:20]})  # fmt: skip
        elif code not in known:
            sheet.add(f"{where}: " + _("Unknown region code %(code)s.") % {"code": code})
        elif code in seen:
            sheet.add(f"{where}: " + _("Region %(code)s appears twice (also on row %(row)s).")
                      % {"code": code, "row": seen[code]})  # fmt: skip
        elif not label:
            sheet.add(f"{where}: " + _("Give the class of region %(code)s.") % {"code": code})
        elif len(label) > LABEL_LENGTH:
            sheet.add(f"{where}: " + _("A class name has at most %(n)s characters.")
                      % {"n": LABEL_LENGTH})  # fmt: skip
        else:
            seen[code] = number
            sheet.rows.append((code, label))
    if not sheet.rows and not sheet.problems:
        sheet.add(_("The sheet lists no region."))


def _code_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None or isinstance(value, bool) else str(value).strip()


@transaction.atomic
def replace_classes(scheme: Classification, rows: list[tuple[str, str]]) -> int:
    """The scheme's classes become exactly `rows`; ranks in class follow at the next compute."""
    RegionClass.objects.filter(classification=scheme).delete()
    RegionClass.objects.bulk_create(
        [RegionClass(classification=scheme, region_id=code, label=label) for code, label in rows],
        batch_size=1000,
    )
    return len(rows)


def classes_workbook(scheme: Classification) -> bytes:
    """The scheme's classes as the workbook the import reads (a template when empty)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(safe_text(scheme.code)[:31])
    sheet.append([_("Region code"), _("Class"), _("Region (for reading; not imported)")])
    members = RegionClass.objects.filter(classification=scheme).select_related("region")
    for member in members.order_by("region_id"):
        sheet.append([member.region_id, safe_text(member.label), safe_text(member.region.name)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
