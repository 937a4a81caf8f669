"""Forms of the marketplace pages: they parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..ecosystem.labels import LANGUAGE_LABELS, choices
from .models import Direction, ProfileKind, Visibility


def int_or_none(value: str | None) -> int | None:
    """A form's id field as an int (None when it is not a plain, storable number)."""
    if value and value.isdigit() and len(value) < 18:
        return int(value)
    return None


class ProfileFilterForm(forms.Form):
    """The marketplace list's search and filters (also what "Follow this search" saves)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("all")), *ProfileKind.choices]
    )
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("all")), *Direction.choices]
    )
    highland = forms.ChoiceField(label=_("Highland"), required=False)

    def __init__(self, *args: object, highlands: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["highland"].choices = [("", _("all")), *highlands]  # type: ignore[attr-defined]


class ProfileForm(forms.Form):
    organization = forms.ChoiceField(label=_("Organization"))
    kind = forms.ChoiceField(label=_("Type"), choices=ProfileKind.choices)
    title = forms.CharField(label=_("Title"), max_length=800)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, max_length=20000)
    language = forms.ChoiceField(label=_("Language"), choices=choices(LANGUAGE_LABELS))
    keywords = forms.CharField(
        label=_("Keywords and sectors (comma-separated)"), required=False, max_length=2000
    )
    capacity = forms.CharField(label=_("Quantities / capacity"), required=False, max_length=1200)
    region = forms.CharField(label=_("Region of interest"), required=False, max_length=1200)
    valid_until = forms.DateField(label=_("Valid until"), required=False)
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices)
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args: object, organizations: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].choices = organizations  # type: ignore[attr-defined]

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.cleaned_data["keywords"].split(",") if k.strip()]


AS_PERSON = "-person-"  # not a slug: slugs never start with "-"


class InterestForm(forms.Form):
    organization = forms.ChoiceField(label=_("On behalf of"))
    message = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=20000)

    def __init__(self, *args: object, organizations: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].choices = organizations  # type: ignore[attr-defined]


class ConfirmationForm(forms.Form):
    organization = forms.CharField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=[(i, str(i)) for i in range(5, 0, -1)], coerce=int
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000)
