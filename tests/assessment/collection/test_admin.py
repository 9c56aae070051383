"""The admin shows collection data read-only, so nothing bypasses the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.assessment.conftest import fill


@pytest.mark.parametrize(
    "model", ["auditentry", "evidence", "extension", "reviewcomment", "importbatch", "submission"]
)
def test_administrators_can_browse_collection_data(client, administrator, xihu, staff_xihu, model):
    fill(xihu, staff_xihu)
    client.force_login(administrator)
    assert client.get(reverse(f"admin:collection_{model}_changelist")).status_code == 200


def test_values_are_read_only_in_the_admin(client, administrator, xihu, staff_xihu):
    fill(xihu, staff_xihu)
    client.force_login(administrator)
    page = client.get(reverse("admin:collection_submission_change", args=[xihu.pk]))
    assert page.status_code == 200
    assert 'name="values-0-value"' not in page.content.decode()  # shown, not editable
    assert client.get(reverse("admin:collection_auditentry_add")).status_code == 403
