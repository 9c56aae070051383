"""URLs of verification (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.verification import views

urlpatterns = [
    path("verification/", views.queue, name="verification_queue"),
    path("rounds/<int:round_id>/regions/<str:code>/verify/", views.verify, name="verify"),
]
