"""Dividing a round's verification into blocks (核验分工): an administrator gives each evaluator
the regions under one region × some indicators, and sees how far each evaluator is."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from assessment.collection.access import get_round_for_user
from assessment.collection.models import Round
from assessment.regions.access import is_administrator, roles_on
from assessment.regions.models import Membership, Region, Role
from assessment.verification.delegation import block_progress
from assessment.verification.models import Block

ADDED = gettext_lazy(
    "Block assigned: %(user)s verifies %(indicators)s of the regions under %(region)s."
)
REMOVED = gettext_lazy("Block removed.")
NOT_EVALUATOR = gettext_lazy(
    "%(user)s is not an evaluator over %(region)s: grant them the evaluator role there first."
)
UNKNOWN_REGION = gettext_lazy("No region has the code %(code)s.")
UNKNOWN_CODES = gettext_lazy("Not indicators of this round's system: %(codes)s.")


class BlockForm(forms.Form):
    """Who verifies which regions × indicators. Indicators are codes of areas, dimensions or
    leaves (DS, SV.2, BL.4.2); none means every indicator."""

    verifier = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Evaluator"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    region = forms.CharField(
        label=gettext_lazy("Regions under (code)"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                      "inputmode": "numeric", "pattern": "[0-9]{6}",
                                      "placeholder": "330100"}),
    )  # fmt: skip
    indicators = forms.CharField(
        label=gettext_lazy("Indicators"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                      "placeholder": "DS SV.2"}),
        help_text=gettext_lazy("Codes of areas, dimensions or indicators, separated by spaces "
                               "or commas (DS SV.2 BL.4.2); empty: every indicator."),
    )  # fmt: skip

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        evaluators = Membership.objects.filter(role=Role.EVALUATOR).values("user_id")
        self.fields["verifier"].queryset = (
            get_user_model().objects.filter(pk__in=evaluators, is_active=True).order_by("username")
        )
        self.fields["verifier"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.username})"
        )

    def clean_region(self) -> Region:
        code = self.cleaned_data["region"]
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(UNKNOWN_REGION % {"code": code})
        return region

    def clean_indicators(self) -> list[str]:
        codes = [c for c in self.cleaned_data["indicators"].replace(",", " ").split() if c]
        codes = list(dict.fromkeys(c.upper() for c in codes))
        known = set(self.round.system.indicators.values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(UNKNOWN_CODES % {"codes": ", ".join(unknown[:10])})
        return codes

    def clean(self):
        data = super().clean()
        user, region = data.get("verifier"), data.get("region")
        if user is None or region is None:
            return data
        if Role.EVALUATOR not in roles_on(user, region):
            raise forms.ValidationError(NOT_EVALUATOR % {"user": user.username, "region": region})
        return data


def _administered_round(request: HttpRequest, round_id: int) -> Round:
    round_ = get_round_for_user(request.user, round_id)
    if not is_administrator(request.user):
        raise PermissionDenied
    return round_


@login_required
@require_http_methods(["GET", "POST"])
def blocks(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _administered_round(request, round_id)
    form = BlockForm(request.POST if request.method == "POST" else None, round_=round_)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            Block.objects.create(
                round=round_, verifier=data["verifier"], region=data["region"],
                indicator_codes=data["indicators"], assigned_by=request.user,
            )  # fmt: skip
            messages.success(request, ADDED % {
                "user": data["verifier"].username, "region": data["region"],
                "indicators": " ".join(data["indicators"]) or _("every indicator"),
            })  # fmt: skip
            return redirect("assessment:verification_blocks", round_.pk)
        messages.error(request, _("The block was not assigned: correct the marked fields."))
    context = {"round": round_, "form": form, "verifiers": block_progress(round_)}
    return render(request, "verification/blocks.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def remove_block(request: HttpRequest, round_id: int, block_id: int) -> HttpResponse:
    round_ = _administered_round(request, round_id)
    deleted, _rows = Block.objects.filter(Q(pk=block_id) & Q(round=round_)).delete()
    if not deleted:
        raise Http404
    messages.success(request, REMOVED)
    return redirect("assessment:verification_blocks", round_.pk)
