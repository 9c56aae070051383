"""Regions (GB/T 2260 administrative divisions) and who may act on them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


def level_for_code(code: str) -> str:
    """The level a GB/T 2260 code denotes: PP0000 province, PPCC00 city, else county."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def subtree_prefix_for(code: str, level: str) -> str:
    """The code prefix every region below `code` shares.

    GB/T 2260 guarantees it: a county PPCCXX hangs off PPCC00 whenever that city exists, so
    everything starting with PPCC is in the city's subtree, and everything starting with PP in
    the province's (province-administered counties such as 419001 included).
    """
    if level == RegionLevel.PROVINCE:
        return code[:2]
    if level == RegionLevel.CITY:
        return code[:4]
    return code


class RegionQuerySet(models.QuerySet):
    def subtree(self, region: Region) -> RegionQuerySet:
        """The region itself and every region below it, in one indexed prefix filter."""
        return self.filter(code__startswith=region.subtree_prefix)


class Region(models.Model):
    code = models.CharField(
        _("code"),
        max_length=6,
        primary_key=True,
        validators=[RegexValidator(r"^\d{6}$", _("A region code has six digits."))],
    )
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        db_table = "assessment_region"  # kept from before the domain apps
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def subtree_prefix(self) -> str:
        return subtree_prefix_for(self.code, self.level)

    def contains(self, other: Region) -> bool:
        """True when `other` is this region or lies below it."""
        return other.code.startswith(self.subtree_prefix)

    def clean(self) -> None:
        if self.code and self.level and self.level != level_for_code(self.code):
            raise ValidationError({"level": _("The level does not match the code.")})
        if self.parent_id and self.code and not self.code.startswith(self.parent.subtree_prefix):
            raise ValidationError(
                {"parent": _("A region's code must start with its parent's code prefix.")}
            )


class Role(models.TextChoices):
    STAFF = "staff", _("Regional staff")
    SUPERVISOR = "supervisor", _("Supervisor")
    EVALUATOR = "evaluator", _("Evaluator")


class Membership(models.Model):
    """A user's role on a region. Supervisors and evaluators cover the region's whole subtree;
    staff act on their own region only. Django staff/superusers are administrators."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        db_table = "assessment_membership"  # kept from before the domain apps
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["region", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.region} · {self.get_role_display()}"
