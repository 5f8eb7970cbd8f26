"""The web app's own pages and API operations in the isolation matrix."""

from __future__ import annotations

# The plain-language check only reads (a client's target, the glossary): a viewer may use it.
VIEWER_MAY_POST = {"plain_language_check"}

# The glossary is the workspace's: only owners and managers change it.
WORKSPACE_WRITES = {"plain_language_settings"}

API_READ_POSTS = {"/api/plain-language"}
