"""The demo's recovery story: Meadowbank Vets' open case, and its tough topics (seeds 003, 004)."""

from __future__ import annotations

from keepwarm.accounts.models import User, Workspace
from keepwarm.clients.models import Client
from keepwarm.demo.routine import Clock
from keepwarm.recovery.models import RecoveryCase, RecoveryStep, ToughTopic


def create_recovery(
    workspace: Workspace, clock: Clock, clients: dict[str, Client], users: dict[str, User]
) -> None:
    """Open Tom's recovery case on Meadowbank Vets, partway through, and add their topics."""
    client = clients["meadowbank"]
    tom = users["tom"]
    case = RecoveryCase.objects.create(
        workspace=workspace,
        client=client,
        cause="slow_response",
        signal="slow_reply",
        what_happened=(
            "Online booking stopped sending confirmations after Meadowbank's IT company changed "
            "the email password. Fiona emailed us, upset, and waited two days for a reply; "
            "our weekly updates had already stopped a month ago."
        ),
        opened_by=tom,
        opened_at=clock.at(clock.day(-1), "09:10"),
    )
    RecoveryStep.objects.bulk_create(
        [
            RecoveryStep(
                workspace=workspace,
                case=case,
                step="prepare",
                notes=(
                    "Read back through Fiona's emails and our replies since September. Our "
                    "updates stopped four weeks ago and her last two emails waited days."
                ),
                done_by=tom,
                done_at=clock.at(clock.day(-1), "09:40"),
            ),
            RecoveryStep(
                workspace=workspace,
                case=case,
                step="facts",
                notes=(
                    "Booking confirmations failed for two days; three new clients phoned "
                    "reception to check. Fiona says nobody told her what was wrong."
                ),
                done_by=tom,
                done_at=clock.at(clock.day(-1), "11:15"),
            ),
        ]
    )
    ToughTopic.objects.bulk_create(
        [
            ToughTopic(
                workspace=workspace,
                client=client,
                kind="price",
                what_to_say=(
                    "Hosting and support go up by 8% from February. Tell Fiona before the "
                    "invoice does, and offer the yearly plan that keeps this year's price."
                ),
                raise_by=clock.day(6),
                created_by=tom,
                created_at=clock.at(clock.day(-9), "14:00"),
            ),
            ToughTopic(
                workspace=workspace,
                client=client,
                kind="mistake",
                what_to_say=(
                    "We sent the October invoice twice and Carl paid both. Say so before "
                    "he finds it, and refund the second payment the same day."
                ),
                raise_by=clock.day(-30),
                raised_at=clock.at(clock.day(-32), "10:30"),
                raised_by=tom,
                outcome="Carl thanked us for spotting it; the refund went out that afternoon.",
                created_by=tom,
                created_at=clock.at(clock.day(-33), "16:00"),
            ),
        ]
    )
