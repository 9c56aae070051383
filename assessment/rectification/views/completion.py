"""The rectification completion rate of an earlier round written into this round's drafts:
a section of the administrator's round page (collection/round_page.py) and its action."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assessment.collection.models import Round, RoundStatus
from assessment.collection.round_page import RoundSection
from assessment.collection.views.rounds import round_action
from assessment.core.forms import require_valid
from assessment.rectification.forms.completion import CompletionRateForm
from assessment.rectification.services.completion_rate import fill_completion_rate, fill_reach
from assessment.regions.models import Region

FILLED = _(
    "%(indicator)s filled with the completion rate of %(source)s: %(written)s region(s) "
    "written, %(unchanged)s already had that value."
)
FILL_QUESTION = _(
    "Write the completion rates of %(source)s into the drafts of %(count)s region(s) of this "
    "round? Their value of {indicator} is overwritten; submitted and approved submissions are "
    "left alone."
)
FILL_SKIPPED = _("Not written (submitted, approved or entry closed): %(regions)s.")
FILL_REFUSED = _("Refused by the indicator's bounds: %(regions)s.")


def completion_section(request: HttpRequest, round_: Round) -> dict | None:
    """The card on an open round's page, with the question its button asks for each round
    whose tasks may fill ({indicator}: the chosen indicator, filled in by static/js/confirm.js)."""
    if round_.status != RoundStatus.OPEN:
        return None
    form = CompletionRateForm(round_=round_)
    choices = form.fields["source"].choices
    reach = fill_reach(to_round=round_, source_ids=[pk for pk, _label in choices])
    questions = {
        str(pk): str(FILL_QUESTION % {"source": label, "count": reach.get(pk, 0)})
        for pk, label in choices
    }
    return {
        "form": form,
        "question": next(iter(questions.values()), ""),
        "questions": json.dumps(questions, ensure_ascii=False),
    }


SECTION = RoundSection("rectification/_round_completion.html", completion_section)


@login_required
@require_POST
def fill_completion(request: HttpRequest, round_id: int) -> HttpResponse:
    """Write each region's rectification completion rate in an earlier round into its draft
    of this round (the `fill_completion_rate` command, as a button)."""

    def action(round_):
        form = CompletionRateForm(request.POST, round_=round_)
        require_valid(form)
        source = Round.objects.get(pk=form.cleaned_data["source"])
        report = fill_completion_rate(
            from_round=source,
            to_round=round_,
            indicator_code=form.cleaned_data["indicator"],
            user=request.user,
        )
        messages.success(
            request,
            FILLED
            % {
                "indicator": report.indicator,
                "source": source,
                "written": len(report.written),
                "unchanged": len(report.unchanged),
            },
        )
        if report.locked:
            messages.warning(request, FILL_SKIPPED % {"regions": _region_list(report.locked)})
        if report.invalid:
            messages.warning(request, FILL_REFUSED % {"regions": _region_list(report.invalid)})

    return round_action(request, round_id, action, confirm=True)


def _region_list(reasons: dict[str, str], shown: int = 20) -> str:
    """'西湖区 330106（已提交）、… +5': long lists cut so that a message stays readable."""
    codes = sorted(reasons)
    names = dict(Region.objects.filter(code__in=codes[:shown]).values_list("code", "name"))
    items = [f"{names.get(code, '')} {code}（{reasons[code]}）" for code in codes[:shown]]
    more = f" … +{len(codes) - shown}" if len(codes) > shown else ""
    return "、".join(items) + more
