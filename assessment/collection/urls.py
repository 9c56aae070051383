"""URLs of collection (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.collection.views import actions, entry, imports, progress, review, rounds

urlpatterns = [
    # Rounds (administrators manage; others see the list)
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_new, name="round_new"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:round_id>/open/", rounds.open_round, name="round_open"),
    path("rounds/<int:round_id>/close/", rounds.close_round, name="round_close"),
    path("rounds/<int:round_id>/extensions/", rounds.grant_extension, name="round_extend"),
    path("rounds/<int:round_id>/progress/", progress.progress, name="progress"),
    path("rounds/<int:round_id>/progress/chase/", progress.progress_chase, name="progress_chase"),
    # Entry and review of one region's submission
    path("rounds/<int:round_id>/regions/<str:code>/", entry.entry, name="entry"),
    path(
        "rounds/<int:round_id>/regions/<str:code>/history/",
        entry.entry_history,
        name="entry_history",
    ),
    path(
        "rounds/<int:round_id>/regions/<str:code>/return/",
        review.return_submission,
        name="submission_return",
    ),
    path(
        "rounds/<int:round_id>/regions/<str:code>/approve/",
        review.approve_submission,
        name="submission_approve",
    ),
    path(
        "rounds/<int:round_id>/regions/<str:code>/reopen/",
        review.reopen_submission,
        name="submission_reopen",
    ),
    path(
        "rounds/<int:round_id>/regions/<str:code>/withdraw/",
        actions.withdraw_submission,
        name="submission_withdraw",
    ),
    path("evidence/<int:evidence_id>/", entry.evidence_download, name="evidence"),
    path("review/", review.queue, name="review_queue"),
    path("review/approve/", actions.approve_many, name="review_approve_many"),
    # Bulk Excel import and export
    path("rounds/<int:round_id>/export.xlsx", imports.export, name="export"),
    path("rounds/<int:round_id>/import/", imports.import_start, name="import"),
    path("imports/<int:batch_id>/", imports.import_report, name="import_report"),
    path("imports/<int:batch_id>/apply/", imports.import_apply_view, name="import_apply"),
    path("imports/<int:batch_id>/problems.xlsx", imports.import_problems, name="import_problems"),
]
