"""The data badges a region's score carries, in words: what the ranking pages show beside a
score and the reports write in their 说明 column."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def data_flags(record) -> list[tuple[str, str, str]]:
    """(css, word, explanation) of the flags a score carries (a Standing or a profile row)."""
    found = []
    if record.missing:
        found.append(("missing", _("no score"), _("No approved data, or too little of it")))
    if record.imputed:
        found.append(("imputed", _("imputed"), _("Some values were filled with peer means")))
    if record.partial:
        found.append(("partial", _("partial"), _("Some indicators are missing")))
    # Verification (核验): the ranking's own columns, not engine flags (see Standing).
    overstated = getattr(record, "overstated", 0)
    if overstated:
        found.append(("overstated", _("overstated %(count)s") % {"count": overstated},
                      _("Values the region reported better than verified, beyond the round's "
                        "tolerance (虚报): their scores were reduced")))  # fmt: skip
    corrected = getattr(record, "corrected", 0)
    if corrected:
        effect = signed_text(record.verification_effect or 0.0)
        found.append(("corrected",
                      _("corrected %(count)s (%(effect)s)")
                      % {"count": corrected, "effect": effect},
                      _("Values corrected in verification, and what the corrections changed in "
                        "the overall score")))  # fmt: skip
    return found


def signed_text(value: float, decimals: int = 2) -> str:
    """A change as a leader reads it: +1.20, −3.45 (a real minus sign), 0.00."""
    return f"{value:+.{decimals}f}".replace("-", "−") if value else f"{0:.{decimals}f}"
