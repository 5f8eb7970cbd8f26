"""The JSON API: one NinjaAPI mounting each app's own router."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger
from ninja.operation import Operation

from keepwarm.accounts.api_auth import ApiTokenAuth
from keepwarm.agenda.api import router as agenda_router
from keepwarm.brief.api import router as brief_router
from keepwarm.clients.api import router as clients_router
from keepwarm.commitments.api import router as commitments_router
from keepwarm.feedback.api import router as feedback_router
from keepwarm.interactions.api import router as interactions_router
from keepwarm.lib.api import MAX_PAGE_SIZE, PAGE_SIZE, install_error_handlers
from keepwarm.mail.api import router as mail_router
from keepwarm.mailboxes.api import router as mailboxes_router
from keepwarm.messaging.api import router as messaging_router
from keepwarm.recovery.api import router as recovery_router
from keepwarm.reports.api import router as reports_router
from keepwarm.search.api import router as search_router
from keepwarm.trust.api import router as trust_router
from keepwarm.web.api import router as web_router

DESCRIPTION = f"""
Keepwarm's client record over HTTP.

**Authentication.** Create a token under Settings → API tokens and send it on every request
as `Authorization: Bearer kw_…`. A token acts as its user in one workspace, with that
user's role: a viewer's token may read but every write answers 403. A missing, unknown or
revoked token answers 401.

**Pagination.** Lists take `page` (from 1) and `page_size` (default {PAGE_SIZE}, at most
{MAX_PAGE_SIZE}) and answer `{{"count", "next", "previous", "results"}}`; `next` and
`previous` are full URLs, or null at either end.

**Errors.** Bad input answers 422 with
`{{"detail": [{{"loc": ["body", "name"], "msg": "…", "type": "…"}}]}}`; every other error
answers `{{"detail": "…"}}`. An id that does not exist, or belongs to another workspace,
answers 404 `{{"detail": "Not found"}}` wherever it appears: in the path, a filter or a body.
"""


class KeepwarmAPI(NinjaAPI):
    """NinjaAPI whose operation ids are the endpoint function names (`client_list`)."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__


api = KeepwarmAPI(
    title="Keepwarm API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=ApiTokenAuth(),
    # Served from our own static files; no validator badge fetched from elsewhere.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
)
install_error_handlers(api)
api.add_router("", clients_router)
api.add_router("/interactions", interactions_router)
api.add_router("/commitments", commitments_router)
# Serves /inbox and /mail/unmatched.
api.add_router("", mail_router)
# Serves /scores and /clients/{client_id}/score.
api.add_router("", trust_router)
api.add_router("/reports", reports_router)
api.add_router("/outbox", messaging_router)
api.add_router("/agenda", agenda_router)
api.add_router("/feedback", feedback_router)
api.add_router("/recovery", recovery_router)
api.add_router("/mailboxes", mailboxes_router)
api.add_router("/search", search_router)
# Serves /resources and the resource and referral actions under /clients/{client_id}.
api.add_router("", brief_router)
# Serves /plain-language.
api.add_router("", web_router)
