from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory, SimpleTestCase
from django.utils import timezone

from keepwarm.web.templatetags.keepwarm_tags import (
    absolute_dt,
    query_replace,
    relative_date,
    reltime,
)

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def render(source: str, **context: Any) -> str:
    """Render a template string with the keepwarm tags loaded."""
    return Template("{% load keepwarm_tags %}" + source).render(Context(context))


class QueryReplaceTests(SimpleTestCase):
    def test_it_replaces_one_parameter_and_keeps_the_others(self) -> None:
        request = RequestFactory().get("/clients/", {"q": "ann", "status": "active", "page": "3"})
        self.assertEqual(query_replace(request, page=4), "?q=ann&status=active&page=4")

    def test_it_adds_a_parameter_that_was_not_there(self) -> None:
        request = RequestFactory().get("/clients/", {"q": "ann"})
        self.assertEqual(query_replace(request, page=2), "?q=ann&page=2")

    def test_it_keeps_repeated_parameters(self) -> None:
        request = RequestFactory().get("/clients/?status=active&status=paused")
        self.assertEqual(query_replace(request, page=2), "?status=active&status=paused&page=2")

    def test_it_drops_a_parameter_set_to_none_or_empty(self) -> None:
        request = RequestFactory().get("/clients/", {"q": "ann", "page": "3", "sort": "name"})
        self.assertEqual(query_replace(request, page=None, sort=""), "?q=ann")

    def test_it_returns_a_bare_question_mark_when_nothing_is_left(self) -> None:
        request = RequestFactory().get("/clients/", {"page": "3"})
        self.assertEqual(query_replace(request, page=None), "?")

    def test_it_encodes_values_and_escapes_the_ampersand_in_html(self) -> None:
        request = RequestFactory().get("/clients/", {"q": "Ann & Bo"})
        html = render("{% query_replace request page=2 %}", request=request)
        self.assertEqual(html, "?q=Ann+%26+Bo&amp;page=2")


@time_machine.travel(NOW, tick=False)
class RelativeDateTests(SimpleTestCase):
    def test_it_names_today_yesterday_and_tomorrow(self) -> None:
        today = dt.date(2026, 3, 10)
        self.assertEqual(relative_date(today), "today")
        self.assertEqual(relative_date(today - dt.timedelta(days=1)), "yesterday")
        self.assertEqual(relative_date(today + dt.timedelta(days=1)), "tomorrow")

    def test_it_counts_days_near_today(self) -> None:
        self.assertEqual(relative_date(dt.date(2026, 3, 13)), "in 3 days")
        self.assertEqual(relative_date(dt.date(2026, 3, 5)), "5 days ago")
        self.assertEqual(relative_date(dt.date(2026, 3, 23)), "in 13 days")

    def test_it_gives_the_date_further_out(self) -> None:
        self.assertEqual(relative_date(dt.date(2026, 3, 24)), "on 24 Mar 2026")
        self.assertEqual(relative_date(dt.date(2025, 12, 3)), "on 3 Dec 2025")

    def test_it_reads_datetimes_in_the_current_time_zone(self) -> None:
        # 02:00 UTC on the 10th is still the evening of the 9th in New York.
        late_evening = dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        with timezone.override("UTC"):
            self.assertEqual(relative_date(late_evening), "today")
        with timezone.override("America/New_York"):
            self.assertEqual(relative_date(late_evening), "yesterday")

    def test_it_takes_today_from_the_current_time_zone(self) -> None:
        # 15:00 UTC on the 10th is already the 11th in Auckland.
        with timezone.override("Pacific/Auckland"):
            self.assertEqual(relative_date(dt.date(2026, 3, 11)), "today")
            self.assertEqual(relative_date(dt.date(2026, 3, 10)), "yesterday")

    def test_it_renders_nothing_for_no_date(self) -> None:
        self.assertEqual(relative_date(None), "")
        self.assertEqual(render("{{ missing|relative_date }}"), "")


class AbsoluteDtTests(SimpleTestCase):
    def test_it_shows_a_datetime_in_the_current_time_zone_with_its_name(self) -> None:
        moment = dt.datetime(2026, 7, 3, 13, 5, tzinfo=UTC)
        with timezone.override(ZoneInfo("Europe/London")):
            self.assertEqual(absolute_dt(moment), "Friday 3 July 2026, 14:05 (Europe/London)")
        with timezone.override(ZoneInfo("Asia/Tokyo")):
            self.assertEqual(absolute_dt(moment), "Friday 3 July 2026, 22:05 (Asia/Tokyo)")

    def test_it_shows_a_date_without_a_time(self) -> None:
        self.assertEqual(absolute_dt(dt.date(2026, 3, 3)), "Tuesday 3 March 2026")

    def test_it_renders_nothing_for_no_date(self) -> None:
        self.assertEqual(absolute_dt(None), "")


@time_machine.travel(NOW, tick=False)
class ReltimeTests(SimpleTestCase):
    def test_it_renders_a_time_element_with_the_full_date_in_its_title(self) -> None:
        moment = dt.datetime(2026, 3, 8, 9, 30, tzinfo=UTC)
        with timezone.override("UTC"):
            html = reltime(moment)
        self.assertEqual(
            html,
            '<time datetime="2026-03-08T09:30:00+00:00" '
            'title="Sunday 8 March 2026, 09:30 (UTC)">2 days ago</time>',
        )

    def test_it_renders_a_date(self) -> None:
        html = render("{% reltime day %}", day=dt.date(2026, 3, 12))
        self.assertInHTML(
            '<time datetime="2026-03-12" title="Thursday 12 March 2026">in 2 days</time>', html
        )


class PaginationTests(SimpleTestCase):
    def render_page(self, number: int, query: str = "", count: int = 100) -> str:
        request = RequestFactory().get(f"/clients/?{query}")
        page = Paginator(range(count), 10).page(number)
        return render_to_string("web/_pagination.html", {"page_obj": page, "request": request})

    def test_it_links_pages_and_keeps_the_search(self) -> None:
        html = self.render_page(5, "q=ann&sort=-last&page=5")
        self.assertIn('href="?q=ann&amp;sort=-last&amp;page=4" rel="prev"', html)
        self.assertIn('href="?q=ann&amp;sort=-last&amp;page=6" rel="next"', html)
        self.assertIn('href="?q=ann&amp;sort=-last&amp;page=1"', html)
        self.assertIn('href="?q=ann&amp;sort=-last&amp;page=10"', html)
        self.assertIn("Showing 41\u201350 of 100", html)

    def test_it_marks_the_current_page_and_elides_far_pages(self) -> None:
        html = self.render_page(5)
        self.assertInHTML(
            '<span aria-current="page"><span class="visually-hidden">Page </span>5</span>', html
        )
        self.assertEqual(html.count('class="gap"'), 2)
        self.assertNotIn("page=8", html)

    def test_it_has_no_previous_link_on_the_first_page(self) -> None:
        html = self.render_page(1)
        self.assertNotIn('rel="prev"', html)
        self.assertIn('rel="next"', html)

    def test_it_renders_nothing_for_a_single_page(self) -> None:
        self.assertEqual(self.render_page(1, count=7).strip(), "")

    def test_it_adds_htmx_attributes_when_given_a_target(self) -> None:
        request = RequestFactory().get("/clients/")
        page = Paginator(range(30), 10).page(2)
        html = render_to_string(
            "web/_pagination.html",
            {"page_obj": page, "request": request, "hx_target": "#client-list"},
        )
        self.assertIn('hx-get="?page=3" hx-target="#client-list"', html)


class SampleForm(forms.Form):
    name = forms.CharField(label="Client name", help_text="As the client writes it.")
    website = forms.URLField(required=False)
    status = forms.ChoiceField(
        choices=[("prospect", "Prospect"), ("active", "Active")], widget=forms.RadioSelect
    )
    owner = forms.ChoiceField(choices=[("", "Nobody"), ("1", "Alice")], required=False)
    vip = forms.BooleanField(label="Important client", required=False, help_text="Shown first.")
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") == "Taken":
            raise forms.ValidationError("A client with this name already exists.")
        return data


class FieldTests(SimpleTestCase):
    def test_it_renders_label_hint_and_control_described_by_the_hint(self) -> None:
        html = render_to_string("web/_field.html", {"field": SampleForm()["name"]})
        self.assertInHTML('<label for="id_name">Client name</label>', html)
        self.assertInHTML(
            '<p class="hint" id="id_name_helptext">As the client writes it.</p>', html
        )
        self.assertInHTML(
            '<input type="text" name="name" id="id_name" required '
            'aria-describedby="id_name_helptext">',
            html,
        )

    def test_it_shows_the_error_beside_the_field_and_keeps_what_was_typed(self) -> None:
        form = SampleForm(data={"name": "", "website": "not a url", "status": "active"})
        self.assertFalse(form.is_valid())
        html = render_to_string("web/_field.html", {"field": form["website"]})
        self.assertIn('class="field has-error"', html)
        self.assertInHTML(
            '<p class="field-error" id="id_website_error"><span class="visually-hidden">'
            "Error:</span> Enter a valid URL.</p>",
            html,
        )
        self.assertInHTML(
            '<input type="url" name="website" value="not a url" id="id_website" '
            'aria-invalid="true" aria-describedby="id_website_error">',
            html,
        )

    def test_it_marks_optional_fields(self) -> None:
        html = render_to_string("web/_field.html", {"field": SampleForm()["website"]})
        self.assertInHTML(
            '<label for="id_website">Website <span class="optional">(optional)</span></label>',
            html,
        )
        required = render_to_string("web/_field.html", {"field": SampleForm()["name"]})
        self.assertNotIn("(optional)", required)

    def test_it_puts_a_checkbox_before_its_label(self) -> None:
        html = render_to_string("web/_field.html", {"field": SampleForm()["vip"]})
        self.assertIn("field-checkbox", html)
        self.assertInHTML(
            '<div class="check"><input type="checkbox" name="vip" id="id_vip" '
            'aria-describedby="id_vip_helptext"><label for="id_vip">Important client</label>'
            "</div>",
            html,
        )

    def test_it_groups_radio_buttons_in_a_fieldset_with_a_legend(self) -> None:
        form = SampleForm(data={"name": "Acme"})
        form.is_valid()
        html = render_to_string("web/_field.html", {"field": form["status"]})
        self.assertIn('<fieldset aria-describedby="id_status_error">', html)
        self.assertInHTML("<legend>Status</legend>", html)
        self.assertIn('id="id_status_0"', html)

    def test_it_renders_a_select(self) -> None:
        html = render_to_string("web/_field.html", {"field": SampleForm()["owner"]})
        self.assertInHTML(
            '<label for="id_owner">Owner <span class="optional">(optional)</span></label>', html
        )
        self.assertIn('<select name="owner" id="id_owner">', html)

    def test_it_renders_a_hidden_field_alone(self) -> None:
        html = render_to_string("web/_field.html", {"field": SampleForm()["token"]})
        self.assertInHTML('<input type="hidden" name="token" id="id_token">', html)
        self.assertNotIn("<label", html)


class ErrorSummaryTests(SimpleTestCase):
    def test_it_says_there_is_a_problem_and_links_each_error_to_its_field(self) -> None:
        form = SampleForm(data={"website": "nope"})
        self.assertFalse(form.is_valid())
        html = render_to_string("web/_error_summary.html", {"form": form})
        self.assertInHTML("<h2>There is a problem</h2>", html)
        self.assertInHTML('<li><a href="#id_name">This field is required.</a></li>', html)
        self.assertInHTML('<li><a href="#id_website">Enter a valid URL.</a></li>', html)
        self.assertInHTML('<li><a href="#id_status_0">This field is required.</a></li>', html)

    def test_it_lists_errors_that_belong_to_no_field(self) -> None:
        form = SampleForm(data={"name": "Taken", "status": "active"})
        self.assertFalse(form.is_valid())
        html = render_to_string("web/_error_summary.html", {"form": form})
        self.assertInHTML("<li>A client with this name already exists.</li>", html)

    def test_it_renders_nothing_without_errors(self) -> None:
        self.assertEqual(
            render_to_string("web/_error_summary.html", {"form": SampleForm()}).strip(), ""
        )
        valid = SampleForm(data={"name": "Acme", "status": "active"})
        self.assertTrue(valid.is_valid())
        self.assertEqual(render_to_string("web/_error_summary.html", {"form": valid}).strip(), "")
