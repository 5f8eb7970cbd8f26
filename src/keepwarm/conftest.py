"""pytest configuration shared by every app's tests."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from keepwarm.messaging.testing import smtp_server  # noqa: F401  (a fixture for every app)

# Playwright's sync API runs an event loop in the test thread; Django's live_server
# needs database access from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_configure(config: pytest.Config) -> None:
    """Serve static files unhashed in tests, so no test needs `collectstatic` first."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run at once, in the test, whatever the environment says.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium instead of a browser Playwright would download."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Point Playwright's pages at the live server, so `page.goto("/clients/")` just works."""
    return str(live_server.url)
