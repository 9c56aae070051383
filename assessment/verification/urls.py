"""URLs of verification (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.verification import round_section, sampling, views

urlpatterns = [
    path("verification/", views.queue, name="verification_queue"),
    path("rounds/<int:round_id>/regions/<str:code>/verify/", views.verify, name="verify"),
    path(
        "rounds/<int:round_id>/regions/<str:code>/verify/<str:indicator>/sample/",
        sampling.sample_sheet,
        name="sample_sheet",
    ),
    path("rounds/<int:round_id>/verification/", views.summary, name="verification_summary"),
    path(
        "rounds/<int:round_id>/verification-policy/",
        round_section.save_policy,
        name="verification_policy",
    ),
]
