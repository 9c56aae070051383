from django.urls import path

from assessment.views import compute, home, profile, public, publishing, ranking, results

app_name = "assessment"

urlpatterns = [
    path("", home.home, name="home"),
    path("rounds/<int:round_id>/compute/", compute.round_compute, name="round_compute"),
    # Results: rankings (level and progress race), region profiles, publication
    path("results/", results.results, name="results"),
    path("results/<int:round_id>/", ranking.ranking, name="ranking"),
    path("results/<int:round_id>/regions/<str:code>/", profile.profile, name="profile"),
    path("results/<int:round_id>/publish/", publishing.round_publish, name="round_publish"),
    path("results/<int:round_id>/unpublish/", publishing.round_unpublish, name="round_unpublish"),
    # The public display (晾晒): published rounds only, no login
    path("public/", public.public_index, name="public_index"),
    path("public/<int:round_id>/", public.public_round, name="public_round"),
]
