import json
import re
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


# Which main-menu entry a page belongs to (marked aria-current="page").
_SECTIONS = {
    "web:clusters": "clusters",
    "web:cluster": "clusters",
    "web:highland": "clusters",
    "web:organizations": "organizations",
    "web:organization": "organizations",
    "web:compare": "compare",
    "web:data_quality": "data_quality",
    "web:source": "data_quality",
}


@register.simple_tag(takes_context=True)
def nav_section(context: template.Context) -> str:
    """The main-menu section of the current page ("" when it belongs to none)."""
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.url_name and match.url_name.startswith("account_"):
        return "account"
    if match.namespace in ("search", "marketplace", "workspace", "analytics", "funding", "events"):
        return match.namespace
    return _SECTIONS.get(match.view_name, "")


class ScrollTableNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: template.base.FilterExpression):
        self.nodelist = nodelist
        self.label = label

    def render(self, context: template.Context) -> str:
        return format_html(
            '<div class="table-scroller"><div class="table-wrap" role="region" tabindex="0"'
            ' aria-label="{}">{}</div><p class="scroll-hint" aria-hidden="true">{}</p></div>',
            self.label.resolve(context),
            mark_safe(self.nodelist.render(context)),  # noqa: S308 — rendered template output
            _("Scroll sideways to see all columns."),
        )


@register.tag
def scrolltable(parser: template.base.Parser, token: template.base.Token) -> ScrollTableNode:
    """`{% scrolltable label %}<table>…</table>{% endscrolltable %}`: a table that scrolls
    sideways in a keyboard-focusable region, with a hint when it does not fit."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("scrolltable takes one argument: the region's label")
    nodelist = parser.parse(("endscrolltable",))
    parser.delete_first_token()
    return ScrollTableNode(nodelist, parser.compile_filter(bits[1]))


@register.filter
def issue_title(issue: Any) -> str:
    """A data-quality flag's plain-language title in the UI language."""
    from ...ecosystem.labels import issue_label

    return issue_label(issue.code)


@register.filter
def with_lines(items: Any) -> list:
    """The items that say where their source states them (for a "sources" toggle)."""
    return [i for i in items if getattr(i, "source_id", None) and getattr(i, "line_start", None)]


@register.filter
def active_filters(form: Any) -> int:
    """How many fields of a GET filter form the query string sets (the sort order aside)."""
    return sum(1 for name in form.fields if name != "sort" and form.data.get(name))


@register.filter
def label(code: str, kind: str) -> str:
    """A stored code as its label in the UI language: `{{ issue.severity|label:"severity" }}`."""
    from ...ecosystem import labels

    tables: dict[str, dict[str, Any]] = {
        "severity": labels.SEVERITY_LABELS,
        "figure": labels.FIGURE_LABELS,
        "helix": labels.HELIX_LABELS,
        "org_type": labels.ORG_TYPE_LABELS,
        "language": labels.LANGUAGE_LABELS,
        "role": labels.MEMBERSHIP_ROLE_LABELS,
        "voivodeship": labels.VOIVODESHIP_LABELS,
    }
    return str(tables[kind].get(code, code))


_LINE_REF = re.compile(r":?\s*\(?\b(?:line|lines)\s+\d+(?:[–-]\d+)?\)?", re.IGNORECASE)


@register.filter
def plain_message(message: str) -> str:
    """A data-quality message without its line references (they sit behind "details")."""
    return _LINE_REF.sub("", message)
