"""URLs of dashboards (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.dashboards.views import (
    home,
    profile,
    public,
    publishing,
    ranking,
    reports,
    results,
    verification,
)

urlpatterns = [
    path("", home.home, name="home"),
    # Results: rankings (level and progress race), region profiles, publication
    path("results/", results.results, name="results"),
    path("results/<int:round_id>/", ranking.ranking, name="ranking"),
    path("results/<int:round_id>/regions/<str:code>/", profile.profile, name="profile"),
    # Excel and CSV reports (the large ones are background jobs: assessment/jobs)
    path("results/<int:round_id>/report/", reports.round_report, name="round_report"),
    path("results/<int:round_id>/ranking.csv", reports.ranking_csv_view, name="ranking_csv"),
    path("results/<int:round_id>/written-report/", reports.written_report, name="written_report"),
    path(
        "results/<int:round_id>/regions/<str:code>/report.xlsx",
        reports.profile_report,
        name="profile_report",
    ),
    # Self-reported against verified (自评与核验对照), with what verification did to the scores
    path("rounds/<int:round_id>/verification/", verification.summary, name="verification_summary"),
    path("results/<int:round_id>/publish/", publishing.round_publish, name="round_publish"),
    path("results/<int:round_id>/unpublish/", publishing.round_unpublish, name="round_unpublish"),
    # The public display (晾晒): published rounds only, no login
    path("public/", public.public_index, name="public_index"),
    path("public/<int:round_id>/", public.public_round, name="public_round"),
]
