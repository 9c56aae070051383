"""schemathesis against the API's own OpenAPI schema: generated requests to every operation,
with a token that may read and push everything, on the demo world. No answer may be a server
error, and every answer must be one the schema documents, in the shape it documents.

A bounded number of examples per operation (derandomized: the same requests every run);
`SCHEMATHESIS_EXAMPLES=500` explores further locally.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessment.api.clients import create_client, fed_indicator_codes
from tests.world import user_for, world_fixture  # noqa: F401 (the `world` fixture)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))


def load_schema():
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def operation_labels() -> list[str]:
    return sorted(result.ok().label for result in load_schema().get_all_operations())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection around each request, as a server
    should; inside a test that connection holds the test's transaction (PostgreSQL would lose
    it). Django's test client detaches the same two signals for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world, db) -> str:
    _client, token = create_client(
        name="schemathesis",
        scope=None,
        can_read=True,
        push_indicators=fed_indicator_codes(),
        user=user_for("admin"),
    )
    return token


# The operations are listed by hand (schemathesis's pytest plugin does not run on pytest 9);
# `test_every_operation_is_fuzzed` keeps the list whole.
OPERATIONS = [
    "GET /api/v1/rounds",
    "GET /api/v1/rounds/{round_id}",
    "GET /api/v1/rounds/{round_id}/indicators/{code}",
    "GET /api/v1/rounds/{round_id}/ranking",
    "GET /api/v1/rounds/{round_id}/regions/{code}",
    "POST /api/v1/rounds/{round_id}/values",
]


def test_every_operation_is_fuzzed(db):
    assert operation_labels() == sorted(OPERATIONS)


REAL_CODES = ["330106", "330100", "330000", "DS.1.1", "SV.4.1"]


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_conforms_to_its_schema(label, token, world):
    """Path parameters are steered to the demo's rounds, regions and indicators half of the
    time: random ids alone would only ever meet a 404."""
    operation = next(
        result.ok() for result in load_schema().get_all_operations() if result.ok().label == label
    )

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(),
        round_id=st.sampled_from([None, world.open_round, world.published_round]),
        code=st.sampled_from([None, *REAL_CODES]),
    )
    def fuzz(case, round_id, code) -> None:
        parameters = case.path_parameters or {}
        if round_id is not None and "round_id" in parameters:
            parameters["round_id"] = round_id
        if code is not None and "code" in parameters:
            parameters["code"] = code
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            checks=[
                schemathesis.checks.not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )

    fuzz()
