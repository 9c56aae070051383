from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from assessment.collection.models import Round
from assessment.results.services.compute import ComputeError, compute_round


class Command(BaseCommand):
    help = "Compute (or recompute) every result of a round: scores, ranks, levels, rank intervals."

    def add_arguments(self, parser):
        parser.add_argument("round", help="Round id, or its period if only one round has it.")
        parser.add_argument(
            "--no-sensitivity", action="store_true", help="Skip the Monte Carlo rank intervals."
        )

    def handle(self, *args, round: str, no_sensitivity: bool, **options):
        round_ = find_round(round)
        try:
            report = compute_round(round_=round_, with_sensitivity=not no_sensitivity)
        except ComputeError as error:
            raise CommandError(f"{round_}: {error}") from error
        timing = ", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"{round_}: {report.regions} regions, {report.values} values, "
                f"{report.results} results ({timing})."
            )
        )
        for note in report.outliers:
            self.stdout.write(f"  outlier treatment: {note}")


def find_round(key: str) -> Round:
    """A round by id or by period (e.g. 2025); a clear error when ambiguous or absent."""
    if key.isdigit() and Round.objects.filter(pk=int(key)).exists():
        return Round.objects.select_related("system", "scope").get(pk=int(key))
    matches = list(Round.objects.select_related("system", "scope").filter(period=key))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CommandError(f"No round with id or period {key!r}.")
    ids = ", ".join(f"{r.pk} ({r.name})" for r in matches)
    raise CommandError(f"Several rounds have period {key!r}; give the id: {ids}.")
