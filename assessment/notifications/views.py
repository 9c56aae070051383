"""The notification centre: my notifications, marking them read, my preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from assessment.core.forms import query_id
from assessment.core.redirects import safe_next
from assessment.notifications import services
from assessment.notifications.forms import PreferenceForm
from assessment.notifications.models import Notification
from assessment.notifications.selectors import notification_page, preference_of

SAVED = _("Your notification preferences are saved.")
ALL_READ = _("%(count)s notification(s) marked as read.")


def _list(request: HttpRequest, form: PreferenceForm, status: int = 200) -> HttpResponse:
    page = notification_page(request.user, request.GET.get("page"))
    context = {"page": page, "notifications": page.object_list, "form": form}
    return render(request, "notifications/notification_list.html", context, status=status)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    return _list(request, PreferenceForm.for_preference(preference_of(request.user)))


def _own(user, notification_id: int) -> Notification:
    """The user's own notification; anyone else's does not exist for them (404)."""
    pk = query_id(notification_id)
    notification = Notification.objects.filter(pk=pk, recipient=user).first() if pk else None
    if notification is None:
        raise Http404
    return notification


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read; with `go`, then open the page it is about."""
    notification = _own(request.user, notification_id)
    services.mark_read(request.user, notification.pk)
    link = notification.url
    if request.POST.get("go") and link.startswith("/") and not link.startswith("//"):
        return redirect(link)
    return redirect(safe_next(request, "assessment:notifications"))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, ALL_READ % {"count": count})
    return redirect(safe_next(request, "assessment:notifications"))


@login_required
@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    services.save_preference(
        request.user,
        email_immediately=form.cleaned_data["email_immediately"],
        daily_digest=form.cleaned_data["daily_digest"],
        muted_kinds=form.cleaned_data["muted"],
    )
    messages.success(request, SAVED)
    return redirect("assessment:notifications")
