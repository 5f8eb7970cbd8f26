"""Email backends for tests: one that fails on cue, in the ways real mail servers fail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class ScriptedBackend(LocmemBackend):
    """Raises the next error of `script` for each message (None sends it to mail.outbox)."""

    script: ClassVar[list[BaseException | None]] = []
    opened: ClassVar[int] = 0
    open_error: ClassVar[BaseException | None] = None

    @classmethod
    def reset(
        cls,
        script: Sequence[BaseException | None] = (),
        open_error: BaseException | None = None,
    ) -> None:
        cls.script = list(script)
        cls.opened = 0
        cls.open_error = open_error

    def open(self) -> bool:
        type(self).opened += 1
        error = type(self).open_error
        if error is not None:
            raise error
        return True

    def send_messages(self, messages: Any) -> int:
        sent = 0
        for message in messages:
            error = type(self).script.pop(0) if type(self).script else None
            if error is not None:
                raise error
            message.message()
            mail.outbox.append(message)
            sent += 1
        return sent


SCRIPTED = {"default": {"BACKEND": "keepwarm.messaging.tests.backends.ScriptedBackend"}}
