"""Recovery pages: open a case, work through the eight steps, agree, close; tough topics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients.access import get_client_for_member
from keepwarm.interactions.forms import add_service_errors
from keepwarm.interactions.views import client_page_url, toast_response
from keepwarm.recovery import services
from keepwarm.recovery.access import (
    get_action_for_member,
    get_case_for_member,
    get_topic_for_member,
)
from keepwarm.recovery.forms import (
    ActionForm,
    CaseForm,
    CloseForm,
    RaisedForm,
    StepForm,
    TopicForm,
)
from keepwarm.recovery.models import AgreedAction, Cause, RecoveryCase, RecoveryStep, Side
from keepwarm.recovery.services import SIGNALS
from keepwarm.recovery.steps import GUIDES, StepGuide, next_step


@dataclass
class StepRow:
    """One of the eight steps on the case page: its guidance, and its notes once done."""

    number: int
    guide: StepGuide
    done: RecoveryStep | None
    is_next: bool
    form: StepForm


def _case_url(case: RecoveryCase, anchor: str = "") -> str:
    url = reverse("recovery_case_detail", args=[case.pk])
    return f"{url}#{anchor}" if anchor else url


def case_context(
    request: MemberRequest,
    case: RecoveryCase,
    *,
    step_form: StepForm | None = None,
    action_form: ActionForm | None = None,
    close_form: CloseForm | None = None,
) -> dict[str, Any]:
    """Return what the case page needs, in a fixed number of queries."""
    done = {s.step: s for s in RecoveryStep.objects.filter(case=case).select_related("done_by")}
    upcoming = next_step(set(done))
    rows = []
    for number, guide in enumerate(GUIDES, start=1):
        form = StepForm(
            initial={
                "step": guide.key,
                "notes": done[guide.key].notes if guide.key in done else "",
            },
            auto_id=f"step-{guide.key}-%s",
        )
        if step_form is not None and step_form.data.get("step") == guide.key:
            form = step_form
        rows.append(
            StepRow(
                number, guide, done.get(guide.key), upcoming is not None and upcoming == guide, form
            )
        )
    actions = list(
        AgreedAction.objects.filter(case=case)
        .select_related("commitment", "created_by")
        .order_by("due_on", "pk")
    )
    can_write = request.membership.can_write and case.is_open
    return {
        "nav": "clients",
        "case": case,
        "client": case.client,
        "step_rows": rows,
        "steps_done": len(done),
        "next_guide": upcoming,
        "next_number": STEP_NUMBERS.get(upcoming.key) if upcoming else None,
        "ours": [a for a in actions if a.side == Side.OURS],
        "theirs": [a for a in actions if a.side == Side.THEIRS],
        "can_write": can_write,
        "action_form": action_form or (ActionForm() if can_write else None),
        "close_form": close_form or (CloseForm() if can_write else None),
        "today": timezone.localdate(),
    }


STEP_NUMBERS = {guide.key: number for number, guide in enumerate(GUIDES, start=1)}


def _case_page(request: MemberRequest, case: RecoveryCase, **forms: Any) -> HttpResponse:
    return render(request, "recovery/case_detail.html", case_context(request, case, **forms))


@require_http_methods(["GET", "POST"])
@member_required
def recovery_case_create(request: MemberRequest, client_id: int) -> HttpResponse:
    """Open a recovery case, filled in from a suggestion's signal when one led here."""
    client = get_client_for_member(request.membership, client_id, write=True)
    if request.method == "POST":
        form = CaseForm(request.POST)
        if form.is_valid():
            try:
                case = services.case_open(
                    membership=request.membership,
                    client=client,
                    cause=form.cleaned_data["cause"],
                    what_happened=form.cleaned_data["what_happened"],
                    signal=form.cleaned_data["signal"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Recovery case opened. Start by preparing.")
                return HttpResponseRedirect(_case_url(case))
    else:
        initial = {}
        if request.GET.get("cause") in Cause.values:
            initial["cause"] = request.GET["cause"]
        if request.GET.get("signal") in SIGNALS:
            initial["signal"] = request.GET["signal"]
        if request.GET.get("what_happened"):
            initial["what_happened"] = request.GET["what_happened"][:2000]
        form = CaseForm(initial=initial)
    return render(
        request,
        "recovery/case_new.html",
        {"nav": "clients", "client": client, "form": form},
    )


@member_required
def recovery_case_detail(request: MemberRequest, case_id: int) -> HttpResponse:
    """Show a case: where it stands, what the next step asks, the agreement, the outcome."""
    case = get_case_for_member(request.membership, case_id)
    return _case_page(request, case)


@require_http_methods(["GET", "POST"])
@member_required
def recovery_case_edit(request: MemberRequest, case_id: int) -> HttpResponse:
    """Correct an open case's cause or what happened."""
    case = get_case_for_member(request.membership, case_id, write=True)
    if request.method == "POST":
        form = CaseForm(request.POST)
        if form.is_valid():
            try:
                services.case_update(
                    membership=request.membership,
                    case=case,
                    cause=form.cleaned_data["cause"],
                    what_happened=form.cleaned_data["what_happened"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Case saved.")
                return HttpResponseRedirect(_case_url(case))
    else:
        form = CaseForm(initial={"cause": case.cause, "what_happened": case.what_happened})
    return render(
        request,
        "recovery/case_new.html",
        {"nav": "clients", "client": case.client, "form": form, "case": case},
    )


def _steps_refused(request: MemberRequest, case: RecoveryCase, form: StepForm) -> HttpResponse:
    if request.htmx:
        context = case_context(request, case, step_form=form)
        return render(request, "recovery/_case_main.html", context)
    return _case_page(request, case, step_form=form)


@require_POST
@member_required
def recovery_step_record(request: MemberRequest, case_id: int) -> HttpResponse:
    """Mark a step done with its notes, save new notes, or mark it not done."""
    case = get_case_for_member(request.membership, case_id, write=True)
    form = StepForm(request.POST, auto_id=f"step-{request.POST.get('step', '')}-%s")
    if not form.is_valid():
        return _steps_refused(request, case, form)
    step = form.cleaned_data["step"]
    try:
        if request.POST.get("undo"):
            services.step_undo(membership=request.membership, case=case, step=step)
            message = "Step marked not done."
        else:
            services.step_record(
                membership=request.membership,
                case=case,
                step=step,
                notes=form.cleaned_data["notes"],
            )
            message = "Step done."
    except ValidationError as error:
        add_service_errors(form, error)
        return _steps_refused(request, case, form)
    if request.htmx:
        fragment = render(request, "recovery/_case_main.html", case_context(request, case))
        return toast_response(fragment, message)
    messages.success(request, message)
    return HttpResponseRedirect(_case_url(case, f"step-{step}"))


@require_POST
@member_required
def recovery_action_create(request: MemberRequest, case_id: int) -> HttpResponse:
    """Record a step one side agreed to take; ours goes into the promise ledger."""
    case = get_case_for_member(request.membership, case_id, write=True)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            action = services.action_add(
                membership=request.membership,
                case=case,
                side=form.cleaned_data["side"],
                text=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Added to our promises." if action.side == Side.OURS else "Their step added.",
            )
            return HttpResponseRedirect(_case_url(case, "agreement"))
    return _case_page(request, case, action_form=form)


@require_POST
@member_required
def recovery_action_done(request: MemberRequest, action_id: int) -> HttpResponse:
    """Mark the client's agreed step done, or not done after all."""
    action = get_action_for_member(request.membership, action_id, write=True)
    done = request.POST.get("done", "1") != "0"
    try:
        services.action_mark_done(membership=request.membership, action=action, done=done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Marked done." if done else "Marked not done.")
    return HttpResponseRedirect(_case_url(action.case, "agreement"))


@require_POST
@member_required
def recovery_case_close(request: MemberRequest, case_id: int) -> HttpResponse:
    """Close the case as retained or lost, with a closing note."""
    case = get_case_for_member(request.membership, case_id, write=True)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.case_close(
                membership=request.membership,
                case=case,
                outcome=form.cleaned_data["outcome"],
                closing_note=form.cleaned_data["closing_note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case closed: {case.get_outcome_display().lower()}.")
            return HttpResponseRedirect(_case_url(case))
    return _case_page(request, case, close_form=form)


# Tough topics ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def tough_topic_create(request: MemberRequest, client_id: int) -> HttpResponse:
    """Add a tough topic to raise with a client by a date."""
    client = get_client_for_member(request.membership, client_id, write=True)
    form = TopicForm(request.POST if request.method == "POST" else None).with_plain_check(client.pk)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(
                membership=request.membership, client=client, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Tough topic added.")
            return HttpResponseRedirect(client_page_url(client, f"topic-{topic.pk}"))
    return render(
        request,
        "recovery/topic_form.html",
        {"nav": "clients", "client": client, "form": form, "topic": None, "plain_check": True},
    )


@require_http_methods(["GET", "POST"])
@member_required
def tough_topic_edit(request: MemberRequest, topic_id: int) -> HttpResponse:
    """Change a tough topic: what it is about, what to say, or its date."""
    topic = get_topic_for_member(request.membership, topic_id, write=True)
    client = topic.client
    if request.method == "POST":
        form = TopicForm(request.POST).with_plain_check(client.pk)
        if form.is_valid():
            try:
                services.topic_update(
                    membership=request.membership, topic=topic, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Tough topic saved.")
                return HttpResponseRedirect(client_page_url(client, f"topic-{topic.pk}"))
    else:
        form = TopicForm(
            initial={
                "kind": topic.kind,
                "what_to_say": topic.what_to_say,
                "raise_by": topic.raise_by,
            }
        ).with_plain_check(client.pk)
    return render(
        request,
        "recovery/topic_form.html",
        {"nav": "clients", "client": client, "form": form, "topic": topic, "plain_check": True},
    )


@require_http_methods(["GET", "POST"])
@member_required
def tough_topic_raised(request: MemberRequest, topic_id: int) -> HttpResponse:
    """Record that a tough topic was raised, and how it went."""
    topic = get_topic_for_member(request.membership, topic_id, write=True)
    client = topic.client
    form = RaisedForm(
        request.POST if request.method == "POST" else None, auto_id=f"raised-{topic.pk}-%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_mark_raised(
                membership=request.membership, topic=topic, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Marked raised. Well done for bringing it up.")
            return HttpResponseRedirect(client_page_url(client, f"topic-{topic.pk}"))
    return render(
        request,
        "recovery/topic_raised.html",
        {"nav": "clients", "client": client, "form": form, "topic": topic},
    )
