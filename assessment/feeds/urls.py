"""URLs of raw data feeds (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.feeds import views

urlpatterns = [
    path("rounds/<int:round_id>/feeds/", views.feed_list, name="feed_list"),
    path("feeds/<int:feed_id>/", views.feed_report, name="feed_report"),
    path("feeds/<int:feed_id>/apply/", views.feed_apply_view, name="feed_apply"),
    path("feeds/population/", views.population, name="population"),
]
