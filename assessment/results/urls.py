"""URLs of results (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.results import views as compute

urlpatterns = [
    path("rounds/<int:round_id>/compute/", compute.round_compute, name="round_compute"),
]
