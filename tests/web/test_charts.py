import re
from datetime import date
from pathlib import Path

from django.utils import translation

import highlands
from highlands.analytics.charts import SERIES_COLOURS, helix_chart, helix_rows, line_chart


def test_line_chart_plots_points_oldest_first_and_describes_them():
    svg = line_chart(
        [(date(2024, 1, 1), 10), (date(2025, 1, 1), 30)], chart_id="m", title="Members"
    )
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in points)
    assert x1 < x2  # time runs left to right
    assert y2 < y1  # the larger value is drawn higher
    assert '<desc id="m-d">2024-01-01: 10; 2025-01-01: 30</desc>' in svg
    assert 'role="img"' in svg


def test_line_chart_with_one_observation_says_so():
    with translation.override("en"):
        svg = line_chart([(date(2026, 11, 28), 29)], chart_id="m", title="Members")
    assert "one observation so far" in svg
    assert svg.count("<circle") == 1


def test_helix_chart_shows_stated_and_listed_counts_and_escapes_titles():
    with translation.override("en"):
        svg = helix_chart(
            {"business": 17, "bei": 4, "academia": 3, "public_authority": 0, "civil_society": 0},
            stated={"business": 22, "bei": 4, "academia": 3},
            chart_id="h",
            title="<Industrial & Upland>",
        )
    assert "&lt;Industrial &amp; Upland&gt;" in svg
    assert "Business: 22 stated, 17 listed by name" in svg
    assert "Public authority" not in svg  # nothing stated or listed: folded, not a row of 0/—
    bars = re.findall(r'<rect x="0" y="\d+" width="(\d+)" height="12" fill="([^"]+)"', svg)
    widths = [int(w) for w, _fill in bars]
    assert max(widths) == widths[0]  # 22 stated firms is the longest bar
    assert widths[1] < widths[0]  # 17 listed by name
    assert [fill for _w, fill in bars[:2]] == [SERIES_COLOURS["stated"], SERIES_COLOURS["listed"]]


def test_empty_helix_roles_are_folded_into_a_note():
    shown, folded = helix_rows({"business": 3, "bei": 0, "academia": 0}, {"bei": 2})
    assert shown == ["business", "bei"]
    assert folded == ["academia"]


def test_helix_charts_side_by_side_share_one_scale():
    small = {"business": 22, "bei": 0, "academia": 0, "public_authority": 0, "civil_society": 0}
    svg = helix_chart(small, chart_id="s", title="small", scale=158)
    own = helix_chart(small, chart_id="o", title="own")
    listed_bar = r'<rect x="0" y="\d+" width="(\d+)" height="12" fill="[^"]+" class="bar-listed"'
    shared = int(re.search(listed_bar, svg).group(1))
    alone = int(re.search(listed_bar, own).group(1))
    assert 0 < shared < alone / 5  # 22 of 158 is a short bar, 22 of 22 a full one


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_chart_colours_and_focus_ring_have_3_to_1_contrast_and_match_the_legend():
    """Bars, legend swatches and the focus ring are non-text content: WCAG 1.4.11 asks
    3:1 against what surrounds them. The legend's swatches are coloured by the same tokens
    as the bars, and the SVG fills equal the tokens."""
    css = (Path(highlands.__file__).parent / "web/static/web/site.css").read_text()
    tokens = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    for series, fill in SERIES_COLOURS.items():
        assert tokens[f"series-{series}"].lower() == fill.lower()
        assert _contrast(fill, "#ffffff") >= 3
        assert (
            f".swatch.{series}, svg.chart .bar-{series} {{ background: var(--series-{series})"
            in css
        )
    assert _contrast(tokens["c-focus"], "#ffffff") >= 3
    # The ring is drawn 2 px outside the element, so it meets the page or panel background
    # (also around a blue button): it must stand out against those.
    assert ":focus-visible { outline: 3px solid var(--c-focus); outline-offset: 2px;" in css
    for background in ("c-surface", "c-surface-2", "c-primary-soft"):
        assert _contrast(tokens["c-focus"], tokens[background]) >= 3, background
