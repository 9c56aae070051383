"""Every page of the product, under one namespace ("assessment:…"): each domain app lists its
own URLs in its urls.py; this puts them together (dependencies run one way, so no domain
imports another's URLs)."""

from assessment.api import urls as api
from assessment.appeals import urls as appeals
from assessment.collection import urls as collection
from assessment.dashboards import urls as dashboards
from assessment.feeds import urls as feeds
from assessment.jobs import urls as jobs
from assessment.notifications import urls as notifications
from assessment.panels import urls as panels
from assessment.rectification import urls as rectification
from assessment.results import urls as results
from assessment.verification import urls as verification

app_name = "assessment"

urlpatterns = [
    *dashboards.urlpatterns,
    *collection.urlpatterns,
    *results.urlpatterns,
    *verification.urlpatterns,
    *panels.urlpatterns,
    *rectification.urlpatterns,
    *appeals.urlpatterns,
    *feeds.urlpatterns,
    *api.urlpatterns,
    *jobs.urlpatterns,
    *notifications.urlpatterns,
]
