from __future__ import annotations

from keepwarm.mailboxes.testing import dovecot_server

__all__ = ["dovecot_server"]
