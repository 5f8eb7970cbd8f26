"""Background tasks of the outbox."""

from __future__ import annotations

from django.tasks import task

from keepwarm.messaging.delivery import message_deliver, worker_identity


@task()
def deliver_message(message_pk: int) -> str:
    """Send one queued message, if it is still due; return its state afterwards."""
    message = message_deliver(pk=message_pk, worker=worker_identity("task"))
    return message.state if message is not None else "not due"
