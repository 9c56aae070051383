"""Dividing a round's verification into blocks (核验分工). (Being written.)"""

from __future__ import annotations

from django.http import Http404


def blocks(request, round_id: int):
    raise Http404


def remove_block(request, round_id: int, block_id: int):
    raise Http404
