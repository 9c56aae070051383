"""URLs of expert panels (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.panels import views

urlpatterns = [
    path("rounds/<int:round_id>/panel/", views.setup, name="panel_setup"),
    path("rounds/<int:round_id>/panel/experts/", views.add_expert, name="panel_add_expert"),
    path(
        "rounds/<int:round_id>/panel/experts/<int:seat_id>/remove/",
        views.remove_expert,
        name="panel_remove_expert",
    ),
    path("rounds/<int:round_id>/panel/assign/", views.assign, name="panel_assign"),
    path(
        "rounds/<int:round_id>/panel/assign-by-hand/", views.hand_assign, name="panel_hand_assign"
    ),
    path("panel/", views.queue, name="panel_queue"),
    path("panel/scores/<int:score_id>/", views.score, name="panel_score"),
    path(
        "panel/scores/<int:score_id>/evidence/<int:evidence_id>/",
        views.score_evidence,
        name="panel_evidence",
    ),
    path("panel/screenshots/<int:shot_id>/", views.step_screenshot, name="panel_step_screenshot"),
    path("panel/adjudication/", views.adjudication, name="panel_adjudication"),
    path("panel/cells/<int:cell_id>/", views.adjudicate_cell, name="panel_adjudicate"),
]
