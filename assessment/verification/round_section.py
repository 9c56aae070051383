"""Verification on the administrator's round page (collection/round_page.py): the policy and
how much of what it requires is verified; and the action that saves the policy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assessment.collection.models import Round, RoundStatus
from assessment.collection.round_page import RoundSection
from assessment.collection.views.rounds import round_action
from assessment.verification.forms import PolicyForm
from assessment.verification.models import policy_of
from assessment.verification.selectors import required_coverage

SAVED = _("Verification policy saved.")


def policy_section(request: HttpRequest, round_: Round) -> dict | None:
    if round_.status == RoundStatus.DRAFT:
        return None
    policy = policy_of(round_)
    return {
        "form": PolicyForm(instance=policy, round_=round_),
        "coverage": required_coverage(round_),
    }


SECTION = RoundSection("verification/_round_policy.html", policy_section)


@login_required
@require_POST
def save_policy(request: HttpRequest, round_id: int) -> HttpResponse:
    def action(round_):
        form = PolicyForm(request.POST, instance=policy_of(round_), round_=round_)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        form.save()
        messages.success(request, SAVED)

    return round_action(request, round_id, action)
