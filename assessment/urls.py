from django.urls import path

from assessment.views import compute, home

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
    path("rounds/<int:round_id>/compute/", compute.round_compute, name="round_compute"),
]
