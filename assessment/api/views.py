"""The administrators' page of API clients: create, see last use, rotate, revoke.

A new or rotated token is shown in the response to the POST that made it, once, and is never
stored, redirected with or put in a message (those live in cookies or the session)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from assessment.api.clients import create_client, revoke, rotate_token
from assessment.api.forms import ApiClientForm
from assessment.api.models import ApiClient
from assessment.regions.access import is_administrator


def _require_administrator(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionDenied


def _page(request, form, *, token: str = "", issued: ApiClient | None = None) -> HttpResponse:
    clients = ApiClient.objects.select_related("scope", "created_by").order_by(
        "revoked_at", "name", "id"
    )
    context = {"form": form, "clients": clients, "token": token, "issued": issued}
    return render(request, "api/clients.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def clients(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    form = ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client, token = create_client(**form.cleaned_data, user=request.user)
        return _page(request, ApiClientForm(), token=token, issued=client)
    return _page(request, form)


@never_cache
@login_required
@require_POST
def client_rotate(request: HttpRequest, client_id: int) -> HttpResponse:
    _require_administrator(request)
    client = get_object_or_404(ApiClient, pk=client_id)
    token = rotate_token(client)
    return _page(request, ApiClientForm(), token=token, issued=client)


@login_required
@require_POST
def client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    _require_administrator(request)
    client = get_object_or_404(ApiClient, pk=client_id)
    revoke(client)
    messages.success(request, _("The token of “%(name)s” is revoked.") % {"name": client.name})
    return redirect("assessment:api_clients")
