"""The AHP weights page (层次分析法赋权) of a draft system's admin: calculate, apply, refuse.

The administrator compares the draft's four areas (DS, SV, BL, PP: 30 + 30 + 20 + 20 points)
or one area's dimensions; texts are read in English (the Chinese catalogue may translate
them), everything else by codes and numbers.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from indicators.ahp.forms import cell_name
from indicators.ahp.services import stored_weights
from indicators.models import Indicator, IndicatorSystem, SystemStatus
from indicators.services import system_new_version, tree_rows
from tests.conftest import make_user


@pytest.fixture
def draft(default_system) -> IndicatorSystem:
    return system_new_version(system=default_system)


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(administrator)
    return client


def ahp_url(system: IndicatorSystem) -> str:
    return reverse("admin:indicators_indicatorsystem_ahp", args=[system.pk])


def areas(system: IndicatorSystem) -> list[Indicator]:
    return list(system.indicators.filter(parent=None).order_by("order", "code"))


def judgements(members, *experts: dict[tuple[int, int], str], group="areas", action="calculate"):
    """The POST of the page: each expert's {(i, j): value} over 1-based i < j, "1" where
    absent."""
    data = {"group": group, "experts": str(len(experts)), "action": action,
            "members": ",".join(str(m.pk) for m in members)}  # fmt: skip
    for k, values in enumerate(experts, start=1):
        for i, j in combinations(range(1, len(members) + 1), 2):
            data[cell_name(k, i, j)] = values.get((i, j), "1")
    return data


# 4 : 2 : 1 : 1 for DS : SV : BL : PP, perfectly consistent.
CONSISTENT = {(1, 2): "2", (1, 3): "4", (1, 4): "4", (2, 3): "2", (2, 4): "2", (3, 4): "1"}
# DS ≫ SV ≫ BL, yet BL ≫ DS.
CYCLE = {(1, 2): "9", (2, 3): "9", (1, 3): "1/9"}


def weights(system) -> dict[str, Decimal]:
    return dict(system.indicators.filter(parent=None).values_list("code", "weight"))


def test_the_page_offers_the_groups_and_each_experts_comparisons(admin_client, draft):
    page = admin_client.get(ahp_url(draft))
    content = page.content.decode()
    assert page.status_code == 200
    assert "AHP weights" in content
    assert 'value="areas"' in content
    ds = draft.indicators.get(code="DS")
    assert f'value="{ds.pk}"' in content  # a node's children
    assert 'name="a-1-1-2"' not in content  # no group chosen yet
    page = admin_client.get(ahp_url(draft), {"group": "areas", "experts": "2"})
    content = page.content.decode()
    assert page.status_code == 200
    for k in (1, 2):
        for i, j in combinations(range(1, 5), 2):
            assert f'name="{cell_name(k, i, j)}"' in content
    assert 'name="a-3-1-2"' not in content
    assert "1/9" in content and "Saaty" in content


def test_the_draft_change_page_links_to_the_ahp_page(admin_client, draft, default_system):
    change = reverse("admin:indicators_indicatorsystem_change", args=[draft.pk])
    assert ahp_url(draft) in admin_client.get(change).content.decode()
    published = reverse("admin:indicators_indicatorsystem_change", args=[default_system.pk])
    assert ahp_url(default_system) not in admin_client.get(published).content.decode()


def test_calculate_shows_weights_and_points_and_changes_nothing(admin_client, draft):
    before = weights(draft)
    page = admin_client.post(ahp_url(draft), judgements(areas(draft), CONSISTENT))
    content = page.content.decode()
    assert page.status_code == 200
    assert "50.0%" in content and "25.0%" in content and "12.5%" in content
    assert "50.00" in content and "12.50" in content  # points of 100
    assert "CR 0.000" in content
    assert 'value="apply"' in content
    assert weights(draft) == before


def test_apply_writes_the_weights_and_logs_it(admin_client, administrator, draft):
    response = admin_client.post(
        ahp_url(draft), judgements(areas(draft), CONSISTENT, action="apply")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:indicators_indicatorsystem_change", args=[draft.pk]
    )
    # The group keeps its total of 100: the weights read as points.
    assert weights(draft) == {"DS": Decimal("50.0000"), "SV": Decimal("25.0000"),
                              "BL": Decimal("12.5000"), "PP": Decimal("12.5000")}  # fmt: skip
    points = {row.indicator.code: row.points for row in tree_rows(draft)}
    assert points["DS"] == pytest.approx(50) and points["PP"] == pytest.approx(12.5)
    ds_children = draft.indicators.filter(parent__code="DS")
    assert sum(points[c.code] for c in ds_children) == pytest.approx(50)
    entry = LogEntry.objects.get(object_id=str(draft.pk), user=administrator)
    assert "CR 0.000" in entry.change_message and "experts: 1" in entry.change_message
    assert "DS 50.0000" in entry.change_message
    follow = admin_client.get(response["Location"])
    assert "AHP weights applied" in follow.content.decode()


def test_two_experts_are_combined_by_the_geometric_mean(admin_client, draft):
    # Expert 2 finds all areas equal: the combined weights are ∝ √(4·1) : √(2·1) : 1 : 1.
    data = judgements(areas(draft), CONSISTENT, {}, action="apply")
    assert admin_client.post(ahp_url(draft), data).status_code == 302
    total = 2 + 2**0.5 + 2
    stored = weights(draft)
    assert sum(stored.values()) == Decimal(100)
    assert float(stored["DS"]) == pytest.approx(100 * 2 / total, abs=1e-4)
    assert float(stored["SV"]) == pytest.approx(100 * 2**0.5 / total, abs=1e-4)
    assert stored["BL"] == stored["PP"]


def test_a_node_s_children_keep_their_total(admin_client, draft):
    ds = draft.indicators.get(code="DS")
    children = list(ds.children.order_by("order", "code"))
    total = sum(c.weight for c in children)
    data = judgements(children, {(1, 2): "3", (1, 3): "3"}, group=str(ds.pk), action="apply")
    page = admin_client.post(ahp_url(draft), data)
    if page.status_code != 302:  # (1, 2) and (1, 3) alone must not be inconsistent
        pytest.fail(page.content.decode()[:2000])
    stored = {c.code: c.weight for c in ds.children.all()}
    assert sum(stored.values()) == total
    first = children[0].code
    assert stored[first] == max(stored.values())
    assert weights(draft)["DS"] == Decimal("30.0000")  # other groups untouched


def test_inconsistent_judgements_are_named_and_not_applied(admin_client, draft):
    before = weights(draft)
    page = admin_client.post(ahp_url(draft), judgements(areas(draft), CYCLE))
    content = page.content.decode()
    assert page.status_code == 200
    assert "not consistent enough" in content
    assert "Revisit these comparisons first" in content
    assert "DS " in content and "BL " in content and "judged 1/9" in content
    assert 'value="apply"' not in content
    # Applying anyway (a tampered or replayed form) is refused too.
    refused = admin_client.post(ahp_url(draft), judgements(areas(draft), CYCLE, action="apply"))
    assert refused.status_code == 400
    assert "were not applied" in refused.content.decode()
    assert weights(draft) == before
    assert not LogEntry.objects.exists()


def test_with_several_experts_each_one_s_judgement_of_a_named_pair_is_shown(admin_client, draft):
    page = admin_client.post(ahp_url(draft), judgements(areas(draft), CYCLE, CONSISTENT))
    content = page.content.decode()
    assert "not consistent enough" in content
    assert "(each expert: " in content
    assert 'value="apply"' not in content


def test_one_inconsistent_expert_is_shown_even_when_the_group_is_consistent(admin_client, draft):
    page = admin_client.post(
        ahp_url(draft), judgements(areas(draft), CONSISTENT, CONSISTENT, CONSISTENT,
                                   CONSISTENT, {(1, 2): "3", (2, 3): "3", (1, 3): "1/3"})
    )  # fmt: skip
    content = page.content.decode()
    assert page.status_code == 200
    assert "Expert 5: CR" in content and "most off" in content
    assert 'value="apply"' in content  # the combined judgements decide


@pytest.mark.parametrize("status", [SystemStatus.PUBLISHED, SystemStatus.RETIRED])
def test_a_published_or_retired_system_is_refused(admin_client, default_system, status):
    IndicatorSystem.objects.filter(pk=default_system.pk).update(status=status)
    page = admin_client.get(ahp_url(default_system), {"group": "areas"})
    assert page.status_code == 200
    assert "cannot be changed" in page.content.decode()
    assert 'name="a-1-1-2"' not in page.content.decode()
    before = weights(default_system)
    data = judgements(areas(default_system), CONSISTENT, action="apply")
    response = admin_client.post(ahp_url(default_system), data)
    assert response.status_code == 409
    assert "cannot be changed" in response.content.decode()
    assert weights(default_system) == before


def test_users_without_the_admin_are_refused(
    client, draft, staff_xihu, supervisor_hangzhou, evaluator_zhejiang
):
    url = ahp_url(draft)
    data = judgements(areas(draft), CONSISTENT, action="apply")
    login = reverse("admin:login")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(login)
    for user in (staff_xihu, supervisor_hangzhou, evaluator_zhejiang):
        client.force_login(user)
        for response in (client.get(url), client.post(url, data)):
            assert response.status_code == 302 and response["Location"].startswith(login)
    # Admin staff who may only view indicator systems: 403.
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_indicatorsystem"))
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert weights(draft)["DS"] == Decimal("30.0000")


def test_a_staff_user_with_the_change_permission_may_use_it(client, draft, regions):
    editor = make_user("editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_indicatorsystem"))
    client.force_login(editor)
    response = client.post(ahp_url(draft), judgements(areas(draft), CONSISTENT, action="apply"))
    assert response.status_code == 302
    assert weights(draft)["DS"] == Decimal("50.0000")


def _tampered(draft, default_system):
    members = areas(draft)
    good = judgements(members, CONSISTENT, action="apply")
    other_node = default_system.indicators.get(code="DS")
    missing = dict(good)
    del missing["a-1-1-2"]
    return [
        ("missing cell", missing, "This field is required"),
        ("off the scale", {**good, "a-1-1-2": "10"}, "Select a valid choice"),
        ("not a number", {**good, "a-1-3-4": "x"}, "Select a valid choice"),
        ("unknown group", {**good, "group": "999999"}, "Select a valid choice"),
        ("another system's node", {**good, "group": str(other_node.pk)}, "Select a valid choice"),
        ("leaf as group", {**good, "group": str(draft.indicators.get(code="DS.1.1").pk)},
         "Select a valid choice"),
        ("six experts", {**good, "experts": "6"}, "Select a valid choice"),
        ("no experts", {**good, "experts": ""}, "This field is required"),
        ("changed group", {**good, "members": "1,2,3"}, "changed since the page was shown"),
    ]  # fmt: skip


def test_invalid_posts_are_form_errors_and_write_nothing(admin_client, draft, default_system):
    before = weights(draft)
    for label, data, message in _tampered(draft, default_system):
        response = admin_client.post(ahp_url(draft), data)
        assert response.status_code == 400, label
        assert message in response.content.decode(), label
    assert weights(draft) == before
    assert not LogEntry.objects.exists()


def test_unknown_system_is_404_and_other_methods_405(admin_client, draft):
    missing = reverse("admin:indicators_indicatorsystem_ahp", args=[999_999])
    assert admin_client.get(missing).status_code == 404
    not_a_number = reverse("admin:indicators_indicatorsystem_ahp", args=["x"])
    assert admin_client.get(not_a_number).status_code == 404
    assert admin_client.put(ahp_url(draft)).status_code == 405
    assert admin_client.get(ahp_url(draft), {"group": "areas", "experts": "9"}).status_code == 200


def test_a_group_that_changed_before_apply_is_refused(admin_client, draft):
    members = areas(draft)
    data = judgements(members, CONSISTENT, action="apply")
    Indicator.objects.filter(pk=members[-1].pk).update(order=0)  # PP moves to the front
    response = admin_client.post(ahp_url(draft), data)
    assert response.status_code == 400
    assert weights(draft)["DS"] == Decimal("30.0000")


@pytest.mark.parametrize(
    ("shares", "total", "expected"),
    [
        ([0.5, 0.25, 0.125, 0.125], Decimal(100), ["50", "25", "12.5", "12.5"]),
        ([1 / 3, 1 / 3, 1 / 3], Decimal(1), ["0.3334", "0.3333", "0.3333"]),
        ([2 / 3, 1 / 3], Decimal(30), ["20", "10"]),
        ([0.99999, 0.00001], Decimal(1), ["0.9999", "0.0001"]),  # never below 0.0001
    ],
)
def test_stored_weights_add_up_to_the_total(shares, total, expected):
    stored = stored_weights(shares, total)
    assert stored == [Decimal(value) for value in expected]
    assert sum(stored) == total
