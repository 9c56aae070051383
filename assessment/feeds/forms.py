"""The forms of the raw feed pages: a raw platform file with its declared aggregation, and the
population table that per-10,000 rates divide by."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.feeds.aggregation import (
    NUMERIC_OPS,
    FeedSpec,
    Op,
    parse_number,
)
from assessment.feeds.models import AggregationKind, ConditionOp
from assessment.feeds.services import spec_from
from indicators.models import DataSource, Indicator

FEED_MAX_BYTES = 200 * 1024 * 1024
POPULATION_MAX_BYTES = 10 * 1024 * 1024
LIST_SEPARATOR = re.compile(r"[,，、]")  # as the aggregation splits an IN list
#: Bytes read to tell a text CSV from a binary file.
HEAD_BYTES = 64 * 1024

SMALL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}

#: Binary signatures a CSV never starts with: (prefix, what it is).
SIGNATURES = (
    (b"PK\x03\x04", _("a ZIP archive or an Excel workbook (.xlsx)")),
    (b"PK\x05\x06", _("a ZIP archive or an Excel workbook (.xlsx)")),
    (b"PK\x07\x08", _("a ZIP archive or an Excel workbook (.xlsx)")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _("an old Excel or Word file (.xls, .doc)")),
    (b"%PDF", _("a PDF document")),
    (b"\x89PNG", _("an image")),
    (b"\xff\xd8\xff", _("an image")),
    (b"GIF8", _("an image")),
    (b"\x1f\x8b", _("a compressed file (gzip)")),
    (b"BZh", _("a compressed file (bzip2)")),
    (b"\xfd7zXZ\x00", _("a compressed file (xz)")),
    (b"7z\xbc\xaf\x27\x1c", _("a compressed file (7z)")),
    (b"Rar!\x1a\x07", _("a compressed file (RAR)")),
    (b"SQLite format 3\x00", _("a database file")),
    (b"\x7fELF", _("a program")),
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

NOT_CSV = _("This is %(kind)s, not a CSV file: export or save the data as CSV (UTF-8) first.")
UTF16 = _("This file is UTF-16 text (Excel's “Unicode text”): save it as “CSV UTF-8” instead.")
BINARY = _("This is not a text CSV file (it holds binary data): export the data as CSV first.")
EMPTY = _("The file is empty.")
TOO_LARGE = _("The file is larger than %(limit)s MB.")

#: One sentence per kind, shown beside the form.
EXPLAINED = {
    AggregationKind.COUNT: _(
        "The number of rows of each region (only those meeting the condition, if one is given)."
    ),
    AggregationKind.RATE: _(
        "The percentage of each region's rows that meet the condition, "
        "e.g. ratings graded 非常满意 or 满意 among all ratings."
    ),
    AggregationKind.MEAN: _(
        "The average of the value column over each region's rows (meeting "
        "the condition, if one is given)."
    ),
    AggregationKind.SUM: _(
        "The total of the value column over each region's rows (meeting the "
        "condition, if one is given)."
    ),
    AggregationKind.PER_10K: _(
        "Each region's count of rows divided by its resident "
        "population (the population table, the round's year or the latest before it) × 10,000."
    ),
}


def check_csv_upload(upload, *, limit: int) -> None:
    """Refuse, by its content, a file that is not a text CSV (the name proves nothing)."""
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(
            TOO_LARGE, code="too_large", params={"limit": limit // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not head:
        raise forms.ValidationError(EMPTY, code="empty")
    for prefix, kind in SIGNATURES:
        if head.startswith(prefix):
            raise forms.ValidationError(NOT_CSV, code="binary", params={"kind": kind})
    if head.startswith(UTF16_BOMS):
        raise forms.ValidationError(UTF16, code="utf16")
    if b"\x00" in head:
        raise forms.ValidationError(BINARY, code="binary")


class CsvFileField(forms.FileField):
    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        kwargs.setdefault(
            "widget", forms.FileInput(attrs={"class": "form-control", "accept": ".csv,.txt"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_csv_upload(upload, limit=self.limit)
        return upload


def column_field(
    label, *, required: bool = False, placeholder: str = "", help_text=""
) -> forms.Field:
    attrs = {**SMALL, "placeholder": placeholder} if placeholder else SMALL
    return forms.CharField(
        label=label,
        max_length=100,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


def fed_leaves(round_):
    """The leaves of the round's system that a platform feeds, in form order."""
    return (
        Indicator.objects.filter(system_id=round_.system_id, source=DataSource.PLATFORM)
        .exclude(value_type="")
        .order_by("order")
    )


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.code} {obj.name}"


class RawFeedForm(forms.Form):
    """A raw file and the aggregation declared for it (the round comes from the URL)."""

    indicator = IndicatorChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.none(),
        widget=forms.Select(attrs=SELECT),
        help_text=_("Platform-fed indicators of the round's system."),
    )
    source_name = forms.CharField(
        label=_("Platform"),
        max_length=120,
        widget=forms.TextInput(attrs={**SMALL, "placeholder": "省好差评系统"}),
        help_text=_("Shown beside every value it feeds."),
    )
    file = CsvFileField(
        label=_("Raw file (CSV)"),
        limit=FEED_MAX_BYTES,
        help_text=_("A CSV with a header row, UTF-8 or GB18030, up to 200 MB."),
    )
    aggregation = forms.ChoiceField(
        label=_("Aggregation"),
        choices=AggregationKind.choices,
        widget=forms.Select(attrs=SELECT),
    )
    region_column = column_field(_("Region code column"), required=True, placeholder="行政区划代码")
    value_column = column_field(
        _("Value column"), help_text=_("For the mean and the sum."), placeholder="响应时长"
    )
    condition_column = column_field(_("Condition column"), placeholder="评价等级")
    condition_op = forms.ChoiceField(
        label=_("Condition"),
        choices=[("", "—"), *ConditionOp.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    condition_value = forms.CharField(
        label=_("Condition value"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={**SMALL, "placeholder": "非常满意,满意"}),
        help_text=_("Required for the rate; for the other kinds only matching rows count."),
    )
    date_column = column_field(_("Date column"), placeholder="评价日期")
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={**SMALL, "type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={**SMALL, "type": "date"})
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        field = self.fields["indicator"]
        field.queryset = fed_leaves(round_)
        # Rendered from one query (a model select queries again for its "required" test).
        self.leaves = list(field.queryset)
        field.widget.choices = [
            ("", "—"),
            *((leaf.pk, field.label_from_instance(leaf)) for leaf in self.leaves),
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("aggregation")
        column = data.get("condition_column", "")
        op = data.get("condition_op", "")
        value = data.get("condition_value", "")
        if kind == AggregationKind.RATE and not (column or op or value.strip()):
            self.add_error(
                "condition_column", _("A rate needs a condition: the rows it counts as hits.")
            )
        if kind in (AggregationKind.MEAN, AggregationKind.SUM) and not data.get("value_column"):
            self.add_error("value_column", _("The mean and the sum need a value column."))
        if column or op or value.strip():
            if not column:
                self.add_error("condition_column", _("Name the column the condition tests."))
            if not op:
                self.add_error("condition_op", _("Choose how the condition compares."))
            if not value.strip():
                self.add_error("condition_value", _("Give the value the condition compares with."))
            elif op in NUMERIC_OPS and parse_number(value) is None:
                self.add_error("condition_value", _("This comparison needs a number."))
            elif op == Op.IN and not [v for v in LIST_SEPARATOR.split(value) if v.strip()]:
                self.add_error("condition_value", _("List at least one value, comma-separated."))
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if (date_from or date_to) and not data.get("date_column"):
            self.add_error("date_column", _("A date range needs the date column."))
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The range ends before it starts."))
        if not self.errors:
            try:
                self.spec()
            except ValueError as error:  # a combination the checks above missed
                raise forms.ValidationError(str(error)) from error
        return data

    def spec(self) -> FeedSpec:
        return spec_from(self.cleaned_data)


class PopulationForm(forms.Form):
    file = CsvFileField(
        label=_("Population table (CSV)"),
        limit=POPULATION_MAX_BYTES,
        help_text=_(
            "A header row, then one row per region and year: 行政区划代码 (region), 年份 (year), "
            "常住人口 (population). A region and year already in the table is replaced."
        ),
    )
