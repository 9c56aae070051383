"""URLs of rectification (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.rectification.views import (
    completion,
    practices,
    rectification_notices,
    task_actions,
    task_progress,
    tasks,
)

urlpatterns = [
    path(
        "rounds/<int:round_id>/completion-rate/",
        completion.fill_completion,
        name="round_fill_completion",
    ),
    # Rectification (整改): one notice per region and round, its items (tasks) found at
    # publication, answered, verified
    path("rectification/", rectification_notices.notice_list, name="notice_list"),
    path(
        "results/<int:round_id>/regions/<str:code>/notice/",
        rectification_notices.notice_detail_view,
        name="notice_detail",
    ),
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
]
