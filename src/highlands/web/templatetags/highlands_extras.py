import json
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ...ecosystem.localization import LocalizedText, cluster_name, localized

register = template.Library()

LANGUAGE_NAMES = {"en": "English", "pl": "Polski"}


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """`{{ labels|get_item:role }}` — dictionary lookup with a variable key."""
    return mapping.get(key, key)


def _render(value: LocalizedText) -> SafeString:
    if not value.is_fallback:
        return format_html("{}", value.text)
    note = _("Not available in Polish; shown in English.")
    if value.requested == "en":
        note = _("Not available in English; shown in Polish.")
    return format_html(
        '<span lang="{}">{}</span> <abbr class="fallback" title="{}">{}</abbr>',
        value.language,
        value.text,
        note,
        value.language.upper(),
    )


@register.simple_tag
def loc(obj: Any, field: str) -> SafeString:
    """A translatable field in the UI language, marked when it falls back to the other one."""
    return _render(localized(obj, field))


@register.simple_tag
def cname(cluster: Any) -> SafeString:
    """A cluster's name in the UI language (unnamed clusters are described, not named)."""
    return _render(cluster_name(cluster))


@register.filter
def cname_text(cluster: Any) -> str:
    """A cluster's name as plain text (titles, attributes)."""
    return cluster_name(cluster).text


@register.simple_tag
def content_lang(language: str) -> SafeString:
    """`lang="en"` on content stored only in English when the page is in another language."""
    from django.utils.translation import get_language

    if (get_language() or "en")[:2] != language:
        return format_html(' lang="{}"', language)
    return mark_safe("")


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, str]]:
    """The current page in every language (keeps the query string)."""
    request: HttpRequest | None = context.get("request")
    path = request.get_full_path() if request else "/"
    return [
        {"code": code, "name": LANGUAGE_NAMES.get(code, name), "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def alternate_urls(context: template.Context) -> list[dict[str, str]]:
    """Absolute URLs of this page per language, for canonical and hreflang links."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return []
    return [
        {"code": code, "url": request.build_absolute_uri(translate_url(request.path, code))}
        for code, _name in settings.LANGUAGES
    ]


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def jsonld(data: Any) -> SafeString:
    """JSON safe to place inside a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308 — <, > and & are escaped above


@register.filter
def loc_text(obj: Any, field: str) -> str:
    """A translatable field as plain text (titles, attributes)."""
    return localized(obj, field).text
