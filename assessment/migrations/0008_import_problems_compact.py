"""Import problems are stored as [sheet, row, column, message] lists instead of dicts."""

from django.db import migrations

KEYS = ("sheet", "row", "column", "message")


def to_lists(apps, schema_editor):
    ImportBatch = apps.get_model("assessment", "ImportBatch")
    for batch in ImportBatch.objects.exclude(problems=[]).iterator(chunk_size=100):
        if batch.problems and isinstance(batch.problems[0], dict):
            batch.problems = [[p.get(key) for key in KEYS] for p in batch.problems]
            batch.summary.setdefault("problems", len(batch.problems))
            batch.save(update_fields=["problems", "summary"])


def to_dicts(apps, schema_editor):
    ImportBatch = apps.get_model("assessment", "ImportBatch")
    for batch in ImportBatch.objects.exclude(problems=[]).iterator(chunk_size=100):
        if batch.problems and isinstance(batch.problems[0], list):
            batch.problems = [dict(zip(KEYS, p)) for p in batch.problems]
            batch.save(update_fields=["problems"])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0007_round_year_bounds")]
    operations = [migrations.RunPython(to_lists, to_dicts)]
