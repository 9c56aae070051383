"""A verifier's own evidence (核验佐证): files and links per indicator, screenshots per sampled
item. (Being written.)"""

from __future__ import annotations

from django.http import Http404


def add_evidence(request, round_id: int, code: str, indicator: str):
    raise Http404


def download(request, evidence_id: int):
    raise Http404


def remove_evidence(request, evidence_id: int):
    raise Http404
