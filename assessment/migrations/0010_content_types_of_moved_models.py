"""The moved models' content types follow them to their new apps, so that permissions and
the admin's change history, which point at a content type, stay attached to them."""

from django.db import migrations

MOVED = {
    "regions": ["region", "membership"],
    "collection": ["round", "submission", "value", "extension", "evidence", "reviewcomment",
                   "auditentry", "importbatch"],
    "results": ["result", "peerstat", "scorechange"],
    "rectification": ["rectificationtask", "taskevent", "taskevidence", "practice",
                      "practiceevidence", "practiceinvitation"],
    "dashboards": ["reportjob"],
}


def move(apps, schema_editor, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app, models in MOVED.items():
        old, new = ("assessment", app) if forward else (app, "assessment")
        ContentType.objects.filter(app_label=old, model__in=models).update(app_label=new)


def back(apps, schema_editor):
    move(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0009_move_models_to_domain_apps"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("regions", "0001_initial"),
        ("collection", "0001_initial"),
        ("results", "0001_initial"),
        ("rectification", "0001_initial"),
        ("dashboards", "0001_initial"),
    ]
    operations = [migrations.RunPython(move, back)]
