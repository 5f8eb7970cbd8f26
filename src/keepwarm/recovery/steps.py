"""The eight steps of regaining a client's trust, with what each asks of you (seed 003)."""

from __future__ import annotations

from dataclasses import dataclass

from keepwarm.recovery.models import Step


@dataclass(frozen=True)
class StepGuide:
    """One step: its key, its name, and what it asks of you in plain words."""

    key: str
    label: str
    asks: str
    notes_hint: str


GUIDES: tuple[StepGuide, ...] = (
    StepGuide(
        Step.PREPARE,
        Step.PREPARE.label,
        "Be prepared for the client being unhappy. Before you talk, read back through what "
        "happened: their messages, our replies and the promises we made.",
        "What you read, and what you expect them to say.",
    ),
    StepGuide(
        Step.FACTS,
        Step.FACTS.label,
        "Find out what the facts are: why they are unhappy. The client will have some facts "
        "you may disagree with; write them down as they see them.",
        "The facts as the client tells them, and as our records show them.",
    ),
    StepGuide(
        Step.FEELINGS,
        Step.FEELINGS.label,
        "Figure out their feelings on the matter. Understand where the client is coming from "
        "and what emotion is behind the issue.",
        "How they feel: let down, ignored, worried, angry ...",
    ),
    StepGuide(
        Step.UNDERSTAND,
        Step.UNDERSTAND.label,
        "Let them know you understand them: say back what happened and how it made them feel, "
        "in your own words.",
        "What you said back to them, and how they took it.",
    ),
    StepGuide(
        Step.FRAME,
        Step.FRAME.label,
        "Frame the problem: put what went wrong into one or two plain sentences, so that both "
        "of you see the same problem.",
        "The problem in one or two sentences.",
    ),
    StepGuide(
        Step.HANDLE_FEELINGS,
        Step.HANDLE_FEELINGS.label,
        "Handle the feelings they have before you fix anything: say sorry where it is due and "
        "help them understand the situation.",
        "What you said to settle their feelings.",
    ),
    StepGuide(
        Step.HANDLE_PROBLEM,
        Step.HANDLE_PROBLEM.label,
        "Handle the problem itself: what you will do to put it right, and by when.",
        "What you are doing to fix it.",
    ),
    StepGuide(
        Step.AGREE,
        Step.AGREE.label,
        "In the end, both of you have to agree on the situation and on the steps you are both "
        "going to take. Write down our actions (they become promises) and theirs.",
        "What you agreed, in the words you used with them.",
    ),
)

GUIDE_BY_KEY = {guide.key: guide for guide in GUIDES}
STEP_ORDER = tuple(guide.key for guide in GUIDES)


def next_step(done: set[str] | frozenset[str]) -> StepGuide | None:
    """Return the first step in order that is not done yet, or None when all eight are."""
    return next((guide for guide in GUIDES if guide.key not in done), None)
