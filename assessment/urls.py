from django.urls import path

from assessment.views import home

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
]
