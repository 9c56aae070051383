from django.urls import path

from assessment.views import (
    compute,
    entry,
    home,
    imports,
    practices,
    profile,
    progress,
    public,
    publishing,
    ranking,
    reports,
    results,
    review,
    rounds,
    task_actions,
    task_progress,
    tasks,
)

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
    # Rounds (administrators manage; others see the list)
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_new, name="round_new"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:round_id>/open/", rounds.open_round, name="round_open"),
    path("rounds/<int:round_id>/close/", rounds.close_round, name="round_close"),
    path("rounds/<int:round_id>/extensions/", rounds.grant_extension, name="round_extend"),
    path("rounds/<int:round_id>/progress/", progress.progress, name="progress"),
    path(
        "rounds/<int:round_id>/completion-rate/",
        rounds.fill_completion,
        name="round_fill_completion",
    ),
    path("rounds/<int:round_id>/compute/", compute.round_compute, name="round_compute"),
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
    path("evidence/<int:evidence_id>/", entry.evidence_download, name="evidence"),
    path("review/", review.queue, name="review_queue"),
    # Bulk Excel import and export
    path("rounds/<int:round_id>/export.xlsx", imports.export, name="export"),
    path("rounds/<int:round_id>/import/", imports.import_start, name="import"),
    path("imports/<int:batch_id>/", imports.import_report, name="import_report"),
    path("imports/<int:batch_id>/apply/", imports.import_apply_view, name="import_apply"),
    path("imports/<int:batch_id>/problems.xlsx", imports.import_problems, name="import_problems"),
    # Results: rankings (level and progress race), region profiles, publication
    path("results/", results.results, name="results"),
    path("results/<int:round_id>/", ranking.ranking, name="ranking"),
    path("results/<int:round_id>/regions/<str:code>/", profile.profile, name="profile"),
    # Excel and CSV reports (issue 6)
    path("results/<int:round_id>/report/", reports.round_report, name="round_report"),
    path("results/<int:round_id>/ranking.csv", reports.ranking_csv_view, name="ranking_csv"),
    path(
        "results/<int:round_id>/regions/<str:code>/report.xlsx",
        reports.profile_report,
        name="profile_report",
    ),
    path("exports/<int:job_id>/", reports.export_job, name="export_job"),
    path("exports/<int:job_id>/status/", reports.export_job_status, name="export_status"),
    path("exports/<int:job_id>/download/", reports.export_job_download, name="export_download"),
    path("results/<int:round_id>/publish/", publishing.round_publish, name="round_publish"),
    path("results/<int:round_id>/unpublish/", publishing.round_unpublish, name="round_unpublish"),
    # Rectification (整改, issue 7): tasks found at publication, answered, verified
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/<int:task_id>/", tasks.task_detail_view, name="task_detail"),
    path("tasks/<int:task_id>/answer/", task_actions.task_answer, name="task_answer"),
    path("tasks/<int:task_id>/done/", task_actions.task_done, name="task_done"),
    path("tasks/<int:task_id>/verify/", task_actions.task_verify, name="task_verify"),
    path("tasks/<int:task_id>/reopen/", task_actions.task_reopen, name="task_reopen"),
    path("tasks/<int:task_id>/edit/", task_actions.task_edit, name="task_edit"),
    path("tasks/evidence/<int:evidence_id>/", tasks.task_evidence, name="task_evidence"),
    path(
        "results/<int:round_id>/regions/<str:code>/tasks/new/",
        task_actions.task_new,
        name="task_new",
    ),
    path("rounds/<int:round_id>/tasks/", task_progress.task_progress_view, name="task_progress"),
    # Shared practices (典型案例, 一地创新、多地复用)
    path("practices/", practices.practice_library, name="practice_library"),
    path("practices/<int:practice_id>/", practices.practice_detail, name="practice_detail"),
    path("practices/<int:practice_id>/edit/", practices.practice_edit, name="practice_edit"),
    path(
        "practices/<int:practice_id>/approve/",
        practices.practice_approve,
        name="practice_approve",
    ),
    path("practices/<int:practice_id>/return/", practices.practice_return, name="practice_return"),
    path(
        "practices/evidence/<int:evidence_id>/",
        practices.practice_evidence_download,
        name="practice_evidence",
    ),
    path(
        "results/<int:round_id>/regions/<str:code>/practices/new/",
        practices.practice_new,
        name="practice_new",
    ),
    path(
        "results/<int:round_id>/regions/<str:code>/invite/",
        practices.practice_invite,
        name="practice_invite",
    ),
    # The public display (晾晒): published rounds only, no login
    path("public/", public.public_index, name="public_index"),
    path("public/<int:round_id>/", public.public_round, name="public_round"),
]
