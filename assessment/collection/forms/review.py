"""Forms of the review: a reason and a comment per indicator; the reason for reopening."""

from __future__ import annotations

from django import forms

from indicators.models import Indicator

COMMENT_MAX = 2000


class ReviewForm(forms.Form):
    reason = forms.CharField(required=False, max_length=COMMENT_MAX)

    def __init__(self, data=None, *, leaves: list[Indicator]):
        super().__init__(data)
        self.leaves = leaves
        for leaf in leaves:
            self.fields[f"comment-{leaf.code}"] = forms.CharField(
                required=False, max_length=COMMENT_MAX
            )

    def comments(self) -> dict[int, str]:
        """Indicator id → comment, for the comments that were written."""
        clean = self.cleaned_data
        return {
            leaf.pk: clean[f"comment-{leaf.code}"]
            for leaf in self.leaves
            if clean.get(f"comment-{leaf.code}")
        }

    def drafts(self) -> dict[str, str]:
        """Indicator code → what was typed, to show again when the review is refused."""
        return {leaf.code: self.data.get(f"comment-{leaf.code}", "") for leaf in self.leaves}


class ReopenForm(forms.Form):
    reason = forms.CharField(max_length=COMMENT_MAX)
