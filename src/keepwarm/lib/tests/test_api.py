"""The JSON API as a whole: docs, schema, authentication, errors and pagination."""

from __future__ import annotations

import re

from keepwarm.accounts.models import ApiToken
from keepwarm.accounts.services import api_token_revoke
from keepwarm.clients.services import client_create
from keepwarm.lib.tests.api_case import ApiTestCase

UNAUTHORIZED = {"detail": "Unauthorized"}
READ_ONLY_POSTS = {"/api/plain-language"}


class ApiTests(ApiTestCase):
    def test_it_serves_the_docs_from_our_own_static_files(self) -> None:
        response = self.client.get("/api/docs")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        self.assertIn("/static/ninja/swagger-ui-bundle.js", assets)
        self.assertIn("/static/ninja/swagger-ui.css", assets)
        for asset in assets:
            self.assertTrue(asset.startswith("/static/"), asset)
        self.assertNotIn("//", html.replace("http://www.w3.org", ""))
        self.assertIn('"validatorUrl": null', html)
        for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
            self.assertEqual(self.client.get(f"/static/ninja/{asset}").status_code, 200, asset)

    def test_it_serves_the_schema_without_a_token(self) -> None:
        schema = self.client.get("/api/openapi.json").json()
        self.assertEqual(schema["info"]["title"], "Keepwarm API")
        self.assertIn("/api/clients", schema["paths"])

    def test_it_declares_auth_and_every_error_on_every_operation(self) -> None:
        schema = self.client.get("/api/openapi.json").json()
        operations = [
            (method, path, op)
            for path, methods in schema["paths"].items()
            for method, op in methods.items()
        ]
        self.assertGreaterEqual(len(operations), 38)
        for method, path, op in operations:
            label = f"{method.upper()} {path}"
            self.assertEqual(op["security"], [{"ApiTokenAuth": []}], label)
            codes = set(op["responses"])
            self.assertLessEqual({"401", "404", "422"}, codes, label)
            # A POST that only reads (checking a text) is open to read-only members too.
            if method != "get" and path not in READ_ONLY_POSTS:
                self.assertIn("403", codes, label)
            self.assertTrue(codes & {"200", "201", "202", "204"}, label)
            self.assertRegex(op["operationId"], r"^[a-z_]+$", label)
        scheme = schema["components"]["securitySchemes"]["ApiTokenAuth"]
        self.assertEqual((scheme["type"], scheme["scheme"]), ("http", "bearer"))

    def test_it_refuses_requests_without_a_valid_token(self) -> None:
        for headers in (
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Bearer kw_not-a-real-token"},
            {"Authorization": f"Token {self.tokens[self.alice.email]}"},
        ):
            for method, url in (("get", "/api/clients"), ("post", "/api/clients")):
                response = getattr(self.client, method)(url, headers=headers)
                self.assertEqual(response.status_code, 401, (method, headers))
                self.assertEqual(response.json(), UNAUTHORIZED)

    def test_it_refuses_a_revoked_token(self) -> None:
        self.assert_status(self.get("/api/clients"), 200)
        token = ApiToken.objects.get(user=self.alice, name="tests")
        api_token_revoke(membership=self.alice_m, token=token)
        response = self.get("/api/clients")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json(), UNAUTHORIZED)

    def test_it_refuses_a_token_of_a_deactivated_user(self) -> None:
        self.bob.is_active = False
        self.bob.save(update_fields=["is_active"])
        self.assertEqual(self.get("/api/clients", user=self.bob).status_code, 401)

    def test_it_answers_an_unreadable_body_with_422(self) -> None:
        for raw in ("{not json", "[1, 2]", '"a string"'):
            response = self.client.post(
                "/api/clients",
                raw,
                content_type="application/json",
                headers=self.auth(self.alice),
            )
            body = self.assert_status(response, 422)
            self.assertEqual(body["detail"][0]["loc"][0], "body", raw)

    def test_it_refuses_unknown_query_parameters(self) -> None:
        # A mistyped filter must not quietly list everything.
        self.assert_field_error(self.get("/api/contacts", {"client": 1}), "query", "client")

    def test_it_limits_page_numbers_and_sizes(self) -> None:
        self.assert_field_error(self.get("/api/clients", {"page": 0}), "query", "page")
        self.assert_field_error(self.get("/api/clients", {"page_size": 201}), "query", "page_size")
        self.assert_status(self.get("/api/clients", {"page_size": 200}), 200)

    def test_it_answers_a_page_past_the_end_with_no_results(self) -> None:
        for n in range(3):
            client_create(membership=self.alice_m, name=f"Client {n}")
        body = self.assert_status(self.get("/api/clients", {"page": 9, "page_size": 2}), 200)
        self.assertEqual((body["count"], body["results"], body["next"]), (3, [], None))
        self.assertEqual(body["previous"], "http://testserver/api/clients?page=2&page_size=2")

    def test_it_answers_a_missing_id_and_a_foreign_one_alike(self) -> None:
        theirs = client_create(membership=self.charlie_m, name="Charlie's client")
        foreign = self.get(f"/api/clients/{theirs.pk}")
        missing = self.get("/api/clients/987654321")
        huge = self.get(f"/api/clients/{2**70}")
        for response in (foreign, missing, huge):
            self.assert_not_found(response)
        self.assertEqual(foreign.content, missing.content)

    def test_it_answers_a_bad_path_id_with_422(self) -> None:
        self.assert_field_error(self.get("/api/clients/abc"), "path", "client_id")
