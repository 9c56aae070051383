"""Regions (GB/T 2260 administrative divisions) and who may act on them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.language import localized


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


#: Province-level entries of the divisions list that national assessments do not enrol
#: (台湾省, 香港, 澳门): a national round covers the 31 provinces and 新疆生产建设兵团.
OUTSIDE_NATIONAL_ASSESSMENT = ("710000", "810000", "820000")
#: 新疆生产建设兵团 has no GB/T 2260 code; national platforms (e.g. 全国一体化政务服务平台)
#: list it as 660000, a province-level unit (fixtures/admin-divisions-supplement.txt).
BINGTUAN = "660000"


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


#: Most classification schemes one round ranks within (the ranking read model's class slots).
SCHEMES_PER_ROUND = 3


class Classification(models.Model):
    """A classification scheme (分类): each region it names belongs to one class of it, e.g.
    city type (副省级城市 / 省会城市 / 普通地级市) or 山区26县 vs other counties. Rounds rank
    within the classes of the schemes they use, beside the ranks among all regions of a level
    and within the parent region."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("classification scheme")
        verbose_name_plural = _("classification schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class RegionClass(models.Model):
    """One region's class in one classification scheme."""

    classification = models.ForeignKey(
        Classification, verbose_name=_("classification scheme"), on_delete=models.CASCADE,
        related_name="members",
    )  # fmt: skip
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="classes"
    )
    label = models.CharField(_("class"), max_length=60)

    class Meta:
        verbose_name = _("region class")
        verbose_name_plural = _("region classes")
        ordering = ["classification", "label", "region"]
        constraints = [
            models.UniqueConstraint(fields=["classification", "region"], name="unique_region_class")
        ]

    def __str__(self) -> str:
        return f"{self.classification.code} · {self.region_id}: {self.label}"


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
