"""The indicator systems' admin writes numbers as people do (regression: "3E+1")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.admin import plain


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("30.0000"), "30"), (Decimal("2.5000"), "2.5"), (Decimal("100"), "100"),
     (Decimal("0.0001"), "0.0001"), (Decimal("80.000"), "80")],
)  # fmt: skip
def test_plain_numbers(value, text):
    assert plain(value) == text


@pytest.mark.django_db
def test_the_system_page_shows_weights_without_exponents(client, default_system, administrator):
    client.force_login(administrator)
    url = reverse("admin:indicators_indicatorsystem_change", args=[default_system.pk])
    page = client.get(url).content.decode()
    tree = page.split('class="indicator-tree"')[1].split("</table>")[0]
    assert "E+" not in tree and "<td>30</td>" in tree
