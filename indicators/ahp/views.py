"""The AHP page of a system's admin: ``IndicatorSystemAdmin.get_urls`` routes it through the
admin site (login, staff and CSRF as every admin page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from indicators.ahp.forms import GroupForm, JudgementForm
from indicators.ahp.services import ahp_apply, ahp_groups, ahp_outcome

TITLE = _("AHP weights")
APPLIED = _("AHP weights applied to %(group)s: %(weights)s (CR %(cr).3f; experts: %(experts)d).")


def ahp_weights(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    system = model_admin.get_object(request, unquote(object_id))
    if system is None:
        raise Http404
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    posted = request.method == "POST"
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": TITLE,
        "system": system,
    }
    template = "admin/indicators/indicatorsystem/ahp.html"
    if not system.is_editable:
        context["locked"] = system.locked_error().messages[0]
        return render(request, template, context, status=409 if posted else 200)
    data = request.POST if posted else request.GET
    group_form = GroupForm(data if posted or "group" in data else None, groups=ahp_groups(system))
    judgement_form = outcome = None
    if group_form.is_valid():
        group, experts = group_form.selected(), group_form.cleaned_data["experts"]
        judgement_form = JudgementForm(data if posted else None, group=group, experts=experts)
        if posted and judgement_form.is_valid():
            outcome = ahp_outcome(group=group, matrices=judgement_form.matrices())
            if request.POST.get("action") == "apply":
                try:
                    ahp_apply(system=system, outcome=outcome)
                except ValidationError as error:
                    judgement_form.add_error(None, error)
                else:
                    return _applied(model_admin, request, system, outcome, experts)
    failed = posted and (group_form.errors or judgement_form is None or judgement_form.errors)
    context.update(group_form=group_form, judgement_form=judgement_form, outcome=outcome)
    return render(request, template, context, status=400 if failed else 200)


def _applied(model_admin, request, system, outcome, experts: int) -> HttpResponse:
    text = str(APPLIED) % {
        "group": outcome.group.label,
        "weights": ", ".join(f"{row.indicator.code} {row.stored}" for row in outcome.rows),
        "cr": outcome.result.group.cr,
        "experts": experts,
    }
    model_admin.log_change(request, system, text)
    messages.success(request, text)
    return redirect("admin:indicators_indicatorsystem_change", system.pk)
