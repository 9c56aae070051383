from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessment.api.api import api
from assessment.core.views.health import healthz

admin.site.site_header = "数字政府成熟度评估 · 管理"
admin.site.site_title = "数字政府成熟度评估"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("assessment.urls")),
]

# A database outage gets a 503 page instead of the generic error
# (assessment/core/views/errors.py).
handler500 = "assessment.core.views.errors.server_error"
