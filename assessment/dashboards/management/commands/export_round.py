from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.http import Http404
from django.utils import translation

from assessment.core.people import person_name
from assessment.dashboards.reports.build import read_for, section_for
from assessment.dashboards.reports.round_report import write_round_report
from assessment.dashboards.reports.written.build import FORMATS, write_written
from assessment.dashboards.reports.written.pdf import PdfUnavailable
from assessment.dashboards.selectors.reports import round_report
from assessment.regions.access import get_region_for_user
from assessment.regions.models import RegionLevel
from assessment.results.access import ranking_visibility, require_ranking_access
from assessment.results.management.commands.compute_round import find_round


class Command(BaseCommand):
    help = (
        "Write a round's Excel report (the ranking page's workbook). Every participating "
        "level and every region unless --level/--parent narrow it or --as-user scopes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("round", help="Round id, or its period if only one round has it.")
        parser.add_argument("file", type=Path, help="Target .xlsx file.")
        parser.add_argument("--level", choices=RegionLevel.values, help="One region level only.")
        parser.add_argument("--parent", help="Only the regions directly below this region code.")
        parser.add_argument(
            "--as-user", dest="username", help="Only what this user's ranking page shows."
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="zh-hans or en.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=("xlsx", *FORMATS),
            default="xlsx",
            help="xlsx: the Excel report (default); docx or pdf: the written 评估报告 "
            "(pdf needs LibreOffice).",
        )

    def handle(self, *args, round: str, file: Path, level, parent, username, language, fmt,
               **opts):  # fmt: skip
        round_ = find_round(round)
        if round_.computed_at is None:
            raise CommandError(f"{round_}: no results yet; run compute_round first.")
        visibility, exported_by = Q(), "manage.py export_round"
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
            try:
                require_ranking_access(user, round_)
                if parent:
                    get_region_for_user(user, parent)
            except (Http404, PermissionDenied) as error:
                raise CommandError(f"{username} may not read this ranking.") from error
            visibility, exported_by = ranking_visibility(user), person_name(user)
        levels = [level] if level else [v for v in RegionLevel.values if v in round_.levels]
        if level and level not in round_.levels:
            raise CommandError(f"{round_} ranks no {level} regions.")
        started = time.perf_counter()
        with translation.override(language):
            reads = [read_for(round_, {"level": v, "parent": parent or ""}, visibility)
                     for v in levels]  # fmt: skip
            if parent and not any(read.parent for read in reads):
                levels_text = "/".join(levels)
                raise CommandError(f"No {levels_text} region of “{round_}” lies below {parent}.")
            if parent:  # the levels that lie below the parent (a city has no cities below)
                reads = [read for read in reads if read.parent]
            sections = [section_for(read) for read in reads]
            parents = {parent} if parent else set()
            report = round_report(round_=round_, sections=sections, parents=parents,
                                  exported_by=exported_by)  # fmt: skip
            if fmt == "xlsx":
                write_round_report(report, file)
            else:
                try:
                    write_written(report, file, fmt=fmt)
                except PdfUnavailable as error:
                    raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {file}: {len(report.rows)} regions of “{round_}” "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
