"""URLs of the API clients page (the API itself is mounted at /api/v1/ by config/urls.py)."""

from django.urls import path

from assessment.api import views

urlpatterns = [
    path("api-clients/", views.clients, name="api_clients"),
    path("api-clients/<int:client_id>/rotate/", views.client_rotate, name="api_client_rotate"),
    path("api-clients/<int:client_id>/revoke/", views.client_revoke, name="api_client_revoke"),
]
