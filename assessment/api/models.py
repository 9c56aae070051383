"""API clients (one per integration, with a hashed token) and the record of their pushes."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.collection.models import Round
from assessment.regions.models import Region

TOKEN_PREFIX = "gm_"


def token_digest(token: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough to store them (no salt or slow
    hash needed, unlike passwords), and it lets a request be matched with one indexed lookup."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.CharField(_("name"), max_length=120)
    scope = models.ForeignKey(
        Region,
        verbose_name=_("scope (root region)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every region."),
    )
    can_read = models.BooleanField(_("reads rounds and results"), default=True)
    push_indicators = models.JSONField(
        _("indicators it may push"),
        default=list,
        blank=True,
        help_text=_("Codes of platform-fed indicators, e.g. SV.4.1; empty: it pushes nothing."),
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True)
    token_hint = models.CharField(_("token begins with"), max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("token issued at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        # The throttle keys its counters by this text (hashed): one counter per client and
        # token, and never the token itself.
        return f"api-client-{self.pk}-{self.token_hash[:12]}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope_name(self) -> str:
        return self.scope.name if self.scope_id else str(_("Nationwide"))

    @property
    def scope_prefix(self) -> str:
        return self.scope.subtree_prefix if self.scope_id else ""


class ApiPush(models.Model):
    """A push that was applied, kept under its idempotency key: the same key with the same body
    answers the stored response again (a retry after a lost reply writes nothing twice)."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("API client"), on_delete=models.CASCADE, related_name="pushes"
    )
    key = models.CharField(_("idempotency key"), max_length=100)
    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    digest = models.CharField(_("request digest"), max_length=64)
    response = models.JSONField(_("response"), default=dict)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    changed = models.PositiveIntegerField(_("values changed"), default=0)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("API push")
        verbose_name_plural = _("API pushes")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="unique_push_key"),
        ]

    def __str__(self) -> str:
        return f"{self.client.name} · {self.key}"
