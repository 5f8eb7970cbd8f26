"""Forms for signing in, joining, the team and settings; they check shape, services check rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError

from keepwarm.accounts.models import Membership, Role, User
from keepwarm.accounts.selectors import time_zone_choices
from keepwarm.accounts.services import account_password_set, grantable_roles

PASSWORD_HINT = "At least 8 characters. Avoid common passwords and ones made only of numbers."


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the matching fields, or at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


def _time_zone_field(hint: str) -> forms.ChoiceField:
    return forms.ChoiceField(label="Time zone", choices=time_zone_choices, help_text=hint)


class NewPasswordMixin(forms.Form):
    """Two password boxes that must match."""

    password = forms.CharField(
        label="Password",
        strip=False,
        help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        help_text="Type the same password again, to be sure it is what you meant.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ. Type the same one twice.")
        return cleaned


class LoginForm(forms.Form):
    email = _email_field()
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class FirstRunForm(NewPasswordMixin):
    name = forms.CharField(
        label="Business name",
        max_length=120,
        help_text="Your business or team, as your clients know it. You can change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    owner_name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _email_field()
    time_zone = _time_zone_field("Used for due dates and reminders.")

    field_order = ["name", "owner_name", "email", "password", "password2", "time_zone"]


class SignupForm(NewPasswordMixin):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = _email_field()

    field_order = ["name", "email", "password", "password2"]


class InvitationAcceptForm(NewPasswordMixin):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["name", "password", "password2"]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We email them a link that works once and expires.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", initial=Role.MEMBER)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = grantable_roles(membership)  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = grantable_roles(membership)  # type: ignore[attr-defined]


class WorkspaceSettingsForm(forms.Form):
    name = forms.CharField(label="Workspace name", max_length=120)
    time_zone = _time_zone_field("The business's own time zone, for schedules and reports.")
    allow_signups = forms.BooleanField(
        label="Anyone may create an account and join as a member",
        required=False,
        help_text="Leave this off to let people in only by invitation.",
    )
    default_response_target_hours = forms.IntegerField(
        label="New clients: reply within (hours)",
        min_value=1,
        max_value=24 * 30,
        help_text="How quickly we aim to answer a new client. Each client can have its own.",
    )
    default_check_in_every_days = forms.IntegerField(
        label="New clients: check in every (days)",
        min_value=1,
        max_value=365,
        help_text="The longest we let pass without getting in touch with a new client.",
    )


class AccountForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    time_zone = _time_zone_field("Dates and times are shown to you in this time zone.")


def _plain_password_hints(form: SetPasswordForm) -> None:
    # Django's hint is an HTML list; ours is one sentence that fits under the field.
    form.fields["new_password1"].help_text = PASSWORD_HINT
    form.fields["new_password2"].label = "New password again"
    form.fields["new_password2"].help_text = "Type the same password again."


class AuditedPasswordChangeForm(PasswordChangeForm):
    """Django's password change form, saving through the audited service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        _plain_password_hints(self)

    def save(self, commit: bool = True) -> User:
        assert isinstance(self.user, User)
        return account_password_set(user=self.user, password=self.cleaned_data["new_password1"])


class AuditedSetPasswordForm(SetPasswordForm):
    """Django's set-password form for emailed resets, saving through the audited service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_hints(self)

    def save(self, commit: bool = True) -> User:
        assert isinstance(self.user, User)
        return account_password_set(
            user=self.user, password=self.cleaned_data["new_password1"], reset=True
        )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, such as “Zapier” or “backup script”.",
    )


class AuditFilterForm(forms.Form):
    actor = forms.TypedChoiceField(label="Member", required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(label="Action", required=False)

    def __init__(
        self,
        *args: Any,
        members: list[Membership],
        actions: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [  # type: ignore[attr-defined]
            ("", "Everyone"),
            *((m.user_id, m.user.display_name) for m in members),
        ]
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            ("", "All actions"),
            *((a, a) for a in actions),
        ]
