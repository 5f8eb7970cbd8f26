"""The digest app's pages in the isolation matrix."""

from __future__ import annotations

# The calendar feed and the unsubscribe link are opened by a secret in the address, not by a
# signed-in member; their own tests cover unknown, revoked and forged secrets (404).
SECRET_ROUTES = {"calendar_feed", "digest_unsubscribe"}

# These change only the member's own calendar link and digest settings, never the workspace.
VIEWER_MAY_POST = {
    "calendar_settings",
    "calendar_feed_new",
    "calendar_feed_revoke",
    "digest_settings",
}
