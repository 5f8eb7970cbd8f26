"""Property-based checks of the live JSON API against its own OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case, CheckContext, GenerationMode, Response
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from keepwarm.accounts.models import Membership, Role, User, Workspace
from keepwarm.accounts.services import api_token_create
from keepwarm.clients import services as client_services
from keepwarm.commitments import services as commitment_services
from keepwarm.interactions import services as interaction_services


@pytest.fixture
def api_token(transactional_db: Any) -> str:
    """Return an owner's token for a workspace with a little of everything in it."""
    workspace = Workspace.objects.create(name="Fuzzed")
    user = User.objects.create_user("owner@example.org", "x" * 20, name="Olive Owner")
    membership = Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
    for n in range(3):
        client = client_services.client_create(membership=membership, name=f"Client {n}")
        contact = client_services.contact_create(
            membership=membership, client=client, name=f"Person {n}"
        )
        client_services.fact_create(
            membership=membership, contact=contact, category="interest", text="Sailing"
        )
        client_services.date_create(
            membership=membership, contact=contact, kind="birthday", date=dt.date(1980, 2, 29)
        )
        client_services.goal_create(membership=membership, client=client, text="Grow")
        interaction_services.interaction_log(
            membership=membership, client=client, channel="email", direction="inbound"
        )
        commitment_services.commitment_create(
            membership=membership, client=client, what="Call back", due_on=dt.date(2026, 1, 5)
        )
    _, raw = api_token_create(membership=membership, name="schemathesis")
    return raw


def schema_valid_input_passes_validation(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Input the schema allows may be refused only by a service's business rule."""
    # Schemathesis' own positive_data_acceptance would also flag rules no schema can state
    # ("only a message from the client can need a reply"); the services report those with
    # type "invalid", while input-shape errors carry pydantic's types.
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code == 422:
        shape_errors = [e for e in response.json()["detail"] if e["type"] != "invalid"]
        assert not shape_errors, f"Schema-valid input refused: {shape_errors}"
    return None


def test_it_conforms_to_its_schema(live_server: Any, api_token: str) -> None:
    """Every operation answers fuzzed input with a declared status and a matching body."""
    # 127.0.0.1 rather than "localhost", which tries IPv6 first and costs ~60 ms a request.
    base_url = live_server.url.replace("localhost", "127.0.0.1")
    schema = schemathesis.openapi.from_url(f"{base_url}/api/openapi.json")
    headers = {"Authorization": f"Bearer {api_token}"}
    failures = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        for mode, examples in ((GenerationMode.POSITIVE, 25), (GenerationMode.NEGATIVE, 10)):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Case) -> None:
                case.call_and_validate(
                    headers=headers,
                    excluded_checks=[positive_data_acceptance],
                    additional_checks=[schema_valid_input_passes_validation],
                )

            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)
