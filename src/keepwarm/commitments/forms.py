"""Forms for the promise ledger."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from keepwarm.accounts.models import User
from keepwarm.clients.models import Contact, Goal
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.forms import contact_choices

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PromiseForm(forms.Form):
    """What we promised, by when, to whom, and who will keep it."""

    what = forms.CharField(
        label="What we promised",
        max_length=300,
        help_text='Say it the way you said it to them, for example "Send the revised quote".',
    )
    due_on = forms.DateField(label="Due", widget=DATE_INPUT)
    promised_to = forms.ChoiceField(label="Promised to", required=False)
    owner = forms.ChoiceField(label="Who will keep it")
    goal = forms.ChoiceField(label="Goal it serves", required=False)

    def __init__(
        self,
        *args: Any,
        contacts: Iterable[Contact],
        members: Iterable[User],
        goals: Iterable[Goal],
        me: User,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "promise-%s")
        super().__init__(*args, **kwargs)
        self.people = {str(c.pk): c for c in contacts}
        self.members = {str(u.pk): u for u in members}
        self.goals = {str(g.pk): g for g in goals}
        promised_to, owner, goal = (
            self._choice_field(name) for name in ("promised_to", "owner", "goal")
        )
        promised_to.choices = [
            ("", "No one in particular"),
            *contact_choices(self.people.values()),
        ]
        owner.choices = [
            (pk, f"{u.display_name} (you)" if u.pk == me.pk else u.display_name)
            for pk, u in self.members.items()
        ]
        goal.choices = [
            ("", "None"),
            *((pk, g.text) for pk, g in self.goals.items()),
        ]
        if not self.goals:
            goal.help_text = "This client has no goals yet."
        self.initial.setdefault("owner", str(me.pk))

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    @classmethod
    def for_commitment(
        cls,
        commitment: Commitment,
        *,
        contacts: Iterable[Contact],
        members: Iterable[User],
        goals: Iterable[Goal],
        me: User,
    ) -> PromiseForm:
        """Return an unbound form showing a promise as it stands."""
        initial = {
            "what": commitment.what,
            "due_on": commitment.due_on,
            "promised_to": str(commitment.promised_to_id or ""),
            "owner": str(commitment.owner_id or ""),
            "goal": str(commitment.goal_id or ""),
        }
        return cls(
            initial=initial,
            contacts=contacts,
            members=members,
            goals=goals,
            me=me,
            auto_id="edit-%s",
        )

    def service_data(self) -> dict[str, Any]:
        """Return the cleaned data as keyword arguments for the promise services."""
        data = self.cleaned_data
        return {
            "what": data["what"].strip(),
            "due_on": data["due_on"],
            "promised_to": self.people.get(data["promised_to"]),
            "owner": self.members.get(data["owner"]),
            "goal": self.goals.get(data["goal"]),
        }


class RenegotiateForm(forms.Form):
    """A new due date agreed with the client, and new wording if it changed."""

    due_on = forms.DateField(label="New due date", widget=DATE_INPUT)
    what = forms.CharField(
        label="New wording",
        max_length=300,
        required=False,
        help_text="Leave empty to keep the promise as it is.",
    )

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"renegotiate-{commitment.pk}-%s")
        super().__init__(*args, **kwargs)


MARKS = {
    CommitmentStatus.KEPT.value: "Promise marked kept.",
    CommitmentStatus.LATE.value: "Promise marked kept late.",
    CommitmentStatus.BROKEN.value: "Promise marked broken.",
}
