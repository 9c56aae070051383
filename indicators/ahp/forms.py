"""The AHP page's forms: which group and how many experts; each expert's comparisons.

A comparison is the field ``a-<expert>-<i>-<j>`` (all 1-based, i < j): how many times member
i is more important than member j on Saaty's scale, one of 9, 8, …, 2, 1, 1/2, …, 1/9.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import numpy as np
from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.ahp.services import GROUP_CHANGED, SiblingGroup
from indicators.engine.ahp import from_upper
from indicators.models import Indicator

MAX_EXPERTS = 5
SCALE_LABELS = tuple([str(k) for k in range(9, 0, -1)] + [f"1/{k}" for k in range(2, 10)])
SCALE_CHOICES = [(label, label) for label in SCALE_LABELS]


def cell_name(expert: int, i: int, j: int) -> str:
    return f"a-{expert}-{i}-{j}"


class GroupForm(forms.Form):
    group = forms.ChoiceField(label=_("Sibling group"))
    experts = forms.TypedChoiceField(
        label=_("Number of experts"),
        coerce=int,
        choices=[(k, str(k)) for k in range(1, MAX_EXPERTS + 1)],
        initial=1,
    )

    def __init__(self, *args, groups: Sequence[SiblingGroup], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {group.key: group for group in groups}
        self.fields["group"].choices = [(group.key, group.label) for group in groups]

    def selected(self) -> SiblingGroup:
        return self.groups[self.cleaned_data["group"]]


@dataclass(frozen=True)
class Comparison:
    first: Indicator
    field: forms.BoundField
    second: Indicator


@dataclass(frozen=True)
class ExpertFields:
    number: int
    comparisons: list[Comparison]


class JudgementForm(forms.Form):
    """The upper triangle of every expert's comparison matrix for one group."""

    members = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, group: SiblingGroup, experts: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.group, self.experts = group, experts
        self.fields["members"].initial = group.signature
        self.pairs = list(combinations(range(1, len(group.members) + 1), 2))
        for expert in range(1, experts + 1):
            for i, j in self.pairs:
                first, second = group.members[i - 1], group.members[j - 1]
                label = f"{first.code} : {second.code}"
                self.fields[cell_name(expert, i, j)] = forms.ChoiceField(
                    label=label,
                    choices=SCALE_CHOICES,
                    initial="1",
                    widget=forms.Select(attrs={"aria-label": label}),
                )

    def clean_members(self) -> str:
        members = self.cleaned_data["members"]
        if members != self.group.signature:
            raise forms.ValidationError(GROUP_CHANGED, code="group_changed")
        return members

    def matrices(self) -> list[np.ndarray]:
        """Each expert's full reciprocal matrix (after is_valid)."""
        n = len(self.group.members)
        return [
            from_upper(n, {
                (i - 1, j - 1): float(Fraction(self.cleaned_data[cell_name(expert, i, j)]))
                for i, j in self.pairs
            })
            for expert in range(1, self.experts + 1)
        ]  # fmt: skip

    def by_expert(self) -> list[ExpertFields]:
        members = self.group.members
        return [
            ExpertFields(expert, [
                Comparison(members[i - 1], self[cell_name(expert, i, j)], members[j - 1])
                for i, j in self.pairs
            ])
            for expert in range(1, self.experts + 1)
        ]  # fmt: skip
