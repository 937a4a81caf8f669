"""Server-rendered SVG charts (the portal's and the dashboard's; pure, no queries): no
JavaScript, readable by screen readers, allowed by the CSP.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that state the same
numbers the page also shows in a table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..ecosystem.labels import HELIX_LABELS, HELIX_ORDER

ROW = 50
WIDTH = 320
LABEL_GAP = 16
BAR_H = 12
# The two series of the helix chart; legend swatches use exactly these fills. Each passes
# 3:1 against white (6.5:1 and 4.9:1) and they differ in hue and lightness.
SERIES_COLOURS = {"stated": "#0b5cad", "listed": "#b04a00"}


def helix_rows(
    listed: Mapping[str, int], stated: Mapping[str, int | None]
) -> tuple[list[str], list[str]]:
    """Roles worth a bar (something stated or listed) and the empty ones, folded into a note."""
    shown: list[str] = []
    folded: list[str] = []
    for role in HELIX_ORDER:
        if role not in listed and role not in stated:
            continue
        (shown if listed.get(role) or stated.get(role) else folded).append(role)
    return shown, folded


def helix_chart(
    listed: Mapping[str, int],
    *,
    stated: Mapping[str, int | None] | None = None,
    chart_id: str,
    title: str,
    scale: int | None = None,
) -> SafeString:
    """Per helix role with anything to show: the count the source states and the members it
    lists by name, as two bars coloured like the legend above them. Empty roles are left out
    (``helix_rows`` names them for a note under the chart).

    ``scale`` is the value of a full-width bar; charts shown side by side share one.
    """
    stated = stated or {}
    roles, _folded = helix_rows(listed, stated)
    peak = scale or helix_peak(listed, stated)
    bar_space = WIDTH - 56
    legend_h = 0
    stated_fill, listed_fill = SERIES_COLOURS["stated"], SERIES_COLOURS["listed"]
    rows = []
    for index, role in enumerate(roles):
        y = legend_h + index * ROW
        said = stated.get(role)
        said_w = round(bar_space * said / peak) if said else 0
        listed_w = round(bar_space * listed.get(role, 0) / peak)
        rows.append(
            (
                y + 13,
                str(HELIX_LABELS[role]),
                y + 18,
                said_w,
                stated_fill,
                said_w + 5,
                y + 28,
                "—" if said is None else said,
                y + 33,
                listed_w,
                listed_fill,
                listed_w + 5,
                y + 43,
                listed.get(role, 0),
            )
        )
    described = [
        f"{HELIX_LABELS[r]}: "
        + _("%(stated)s stated, %(listed)s listed by name")
        % {"stated": "—" if stated.get(r) is None else stated.get(r), "listed": listed.get(r, 0)}
        for r in roles
    ]
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="lbl">{}</text>'
        '<rect x="0" y="{}" width="{}" height="12" fill="{}" class="bar-stated"></rect>'
        '<text x="{}" y="{}" class="val">{}</text>'
        '<rect x="0" y="{}" width="{}" height="12" fill="{}" class="bar-listed"></rect>'
        '<text x="{}" y="{}" class="val">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart helix" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        legend_h + len(roles) * ROW + 4,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        "; ".join(described),
        body,
    )


def helix_peak(listed: Mapping[str, int], stated: Mapping[str, int | None]) -> int:
    """The largest count in a helix chart (at least 1)."""
    return max([*listed.values(), *(v or 0 for v in stated.values()), 1])


def line_chart(
    points: Sequence[tuple[date, int]], *, chart_id: str, title: str, height: int = 150
) -> SafeString:
    """A figure over time: one point per observation, oldest on the left."""
    left, right, top, bottom = 40, WIDTH - 12, 12, height - 28
    values = [v for _, v in points]
    low, high = min([*values, 0]), max([*values, 1])
    days = [d.toordinal() for d, _ in points]
    first, last = min(days), max(days)

    def x(day: int) -> float:
        if last == first:
            return (left + right) / 2
        return round(left + (right - left) * (day - first) / (last - first), 1)

    def y(value: int) -> float:
        return round(bottom - (bottom - top) * (value - low) / ((high - low) or 1), 1)

    coords = [(x(d.toordinal()), y(v), d.isoformat(), v) for d, v in points]
    polyline = " ".join(f"{cx},{cy}" for cx, cy, _d, _v in coords)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
        coords,
    )
    desc = "; ".join(f"{d}: {v}" for _x, _y, d, v in coords)
    if len(points) == 1:
        desc = f"{desc} — " + _("one observation so far")
    return format_html(
        '<svg class="chart line" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{i}-t {i}-d">'
        '<title id="{i}-t">{title}</title><desc id="{i}-d">{desc}</desc>'
        '<line class="axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"></line>'
        '<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}"></line>'
        '<text class="tick" x="{lt}" y="{yt}" text-anchor="end">{high}</text>'
        '<text class="tick" x="{lt}" y="{yb}" text-anchor="end">{low}</text>'
        '<text class="tick" x="{l}" y="{ydate}">{d0}</text>'
        '<text class="tick" x="{r}" y="{ydate}" text-anchor="end">{d1}</text>'
        '<polyline points="{poly}" fill="none"></polyline>{dots}</svg>',
        w=WIDTH,
        h=height,
        i=chart_id,
        title=title,
        desc=desc,
        l=left,
        r=right,
        t=top,
        b=bottom,
        lt=left - 6,
        yt=top + 4,
        yb=bottom + 4,
        high=high,
        low=low,
        ydate=height - 8,
        d0=date.fromordinal(first).isoformat(),
        d1=date.fromordinal(last).isoformat() if last != first else "",
        poly=polyline,
        dots=dots,
    )


def bar_chart(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    series: Sequence[str],
    chart_id: str,
    title: str,
    scale: float | None = None,
    digits: int = 0,
) -> SafeString:
    """Horizontal bars: one group per row, one bar per series (``series`` names colours of
    ``SERIES_COLOURS`` in legend order). A missing value (None) draws no bar and reads "—".

    Each value is written beside its bar, so the chart reads without telling colours apart;
    the page shows the same numbers in a table.
    """
    peak = scale or max([*(v or 0 for _, values in rows for v in values), 1])
    bar_space = WIDTH - 56
    group_h = 18 + 17 * len(series)
    shown = []
    described = []
    for index, (label, values) in enumerate(rows):
        y = index * group_h
        shown.append(format_html('<text x="0" y="{}" class="lbl">{}</text>', y + 13, label))
        texts = []
        for s, (name, value) in enumerate(zip(series, values, strict=True)):
            width = round(bar_space * value / peak) if value else 0
            text = "—" if value is None else f"{value:.{digits}f}"
            texts.append(text)
            top = y + 18 + 17 * s
            shown.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" fill="{}" class="bar-{}"></rect>'
                    '<text x="{}" y="{}" class="val">{}</text>',
                    top,
                    width,
                    BAR_H,
                    SERIES_COLOURS[name],
                    name,
                    width + 5,
                    top + 10,
                    text,
                )
            )
        described.append(f"{label}: {' / '.join(texts)}")
    return format_html(
        '<svg class="chart bars" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        len(rows) * group_h + 4,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        "; ".join(described),
        SafeString("".join(shown)),
    )


NET_W, NET_H = 960, 480


def network_chart(
    highlands: Sequence[tuple[str, str]],
    clusters: Sequence[tuple[str, str, Sequence[str]]],
    links: Sequence[tuple[str, str, str, int]],
    *,
    chart_id: str,
    title: str,
    description: str,
    links_to: Mapping[str, tuple[str, str]] | None = None,
) -> SafeString:
    """The aggregated network: highlands (squares, named) on a circle, their clusters (dots)
    around them, and links between highlands (``kind`` "stated": solid; "shared": dashed,
    thicker with more shared organisations, the count written on it). Line styles, not
    colours, tell links apart; the page's tables list every node and edge.

    ``links_to`` ("highland:<slug>" / "cluster:<slug>" → (URL, accessible name)) makes each
    square and dot a link (in the tab order, named, with a focus ring) that opens the node;
    the drawing is then a ``group`` rather than an ``img`` (an image has no focusable parts).
    """
    links_to = links_to or {}

    def linked(node_id: str, shape: SafeString) -> SafeString:
        if node_id not in links_to:
            return shape
        url, name = links_to[node_id]
        return format_html(
            '<a class="net-node" href="{}" aria-label="{}"><title>{}</title>{}</a>',
            url,
            name,
            name,
            shape,
        )

    cx, cy, radius = NET_W / 2, NET_H / 2, min(NET_W, NET_H) / 2 - 60
    place: dict[str, tuple[float, float]] = {}
    count = max(len(highlands), 1)
    for index, (slug, _name) in enumerate(highlands):
        angle = 2 * math.pi * index / count - math.pi / 2
        place[slug] = (
            round(cx + radius * math.cos(angle), 1),
            round(cy + radius * math.sin(angle), 1),
        )
    parts: list[SafeString] = []
    for a, b, kind, weight in links:
        if a not in place or b not in place:
            continue
        (x1, y1), (x2, y2) = place[a], place[b]
        parts.append(
            format_html(
                '<line class="net-{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"></line>',
                kind,
                x1,
                y1,
                x2,
                y2,
                min(1.5 + weight, 8),
            )
        )
        if kind == "shared":
            parts.append(
                format_html(
                    '<text class="net-count" x="{}" y="{}" text-anchor="middle">{}</text>',
                    round((x1 + x2) / 2, 1),
                    round((y1 + y2) / 2 - 4, 1),
                    weight,
                )
            )
    around: dict[str, list[str]] = {slug: [] for slug, _n in highlands}
    loose: list[str] = []
    for slug, _name, homes in clusters:
        (around[homes[0]] if homes and homes[0] in around else loose).append(slug)
    for home, members in around.items():
        hx, hy = place[home]
        for index, cluster_slug in enumerate(members):
            angle = 2 * math.pi * index / max(len(members), 1)
            x, y = round(hx + 34 * math.cos(angle), 1), round(hy + 34 * math.sin(angle), 1)
            parts.append(
                format_html(
                    '<line class="net-in" x1="{}" y1="{}" x2="{}" y2="{}"></line>', hx, hy, x, y
                )
            )
            parts.append(
                linked(
                    f"cluster:{cluster_slug}",
                    format_html(
                        '<circle class="net-cluster" cx="{}" cy="{}" r="5"></circle>', x, y
                    ),
                )
            )
    for index, cluster_slug in enumerate(loose):
        x = round(20 + (index % 30) * 20, 1)
        y = round(NET_H - 14 - 16 * (index // 30), 1)
        parts.append(
            linked(
                f"cluster:{cluster_slug}",
                format_html(
                    '<circle class="net-cluster loose" cx="{}" cy="{}" r="5"></circle>', x, y
                ),
            )
        )
    for slug, name in highlands:
        x, y = place[slug]
        # Beside the square, away from the centre, so labels of neighbours do not collide.
        if abs(x - cx) < 20:
            anchor, lx, ly = "middle", x, y + (30 if y > cy else -16)
        elif x < cx:
            anchor, lx, ly = "end", x - 14, y + 24
        else:
            anchor, lx, ly = "start", x + 14, y + 24
        parts.append(
            linked(
                f"highland:{slug}",
                format_html(
                    '<rect class="net-highland" x="{}" y="{}" width="16" height="16"></rect>'
                    '<text class="lbl" x="{}" y="{}" text-anchor="{}">{}</text>',
                    x - 8,
                    y - 8,
                    lx,
                    ly,
                    anchor,
                    name,
                ),
            )
        )
    return format_html(
        '<svg class="chart network" viewBox="0 0 {} {}" role="{}" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        NET_W,
        NET_H,
        "group" if links_to else "img",
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        SafeString("".join(parts)),
    )
