"""URLs of the appeal cycle (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.appeals import views

urlpatterns = [
    path("rounds/<int:round_id>/provisional/", views.publish, name="appeal_publish"),
    path("rounds/<int:round_id>/regions/<str:code>/appeals/", views.new, name="appeal_new"),
    path("appeals/", views.queue_view, name="appeal_queue"),
    path("appeals/<int:appeal_id>/", views.detail, name="appeal_detail"),
    path("appeals/<int:appeal_id>/decide/", views.decide_view, name="appeal_decide"),
    path("appeals/evidence/<int:evidence_id>/", views.evidence, name="appeal_evidence"),
    path("departments/", views.board, name="department_board"),
    path("departments/tasks/<int:task_id>/resolve/", views.resolve, name="department_resolve"),
]
