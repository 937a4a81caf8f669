import re
from datetime import date

from django.utils import translation

from highlands.web.charts import helix_chart, line_chart


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
    assert "Public authority: — stated, 0 listed by name" in svg
    bars = re.findall(r'<rect x="0" y="(\d+)" width="(\d+)"', svg)
    widths = [int(w) for y, w in bars if y != "4"]  # y=4 is the legend's swatch
    assert max(widths) == widths[0]  # 22 stated firms is the longest bar
    assert widths[1] < widths[0]  # 17 listed by name


def test_helix_charts_side_by_side_share_one_scale():
    small = {"business": 22, "bei": 0, "academia": 0, "public_authority": 0, "civil_society": 0}
    svg = helix_chart(small, chart_id="s", title="small", scale=158)
    own = helix_chart(small, chart_id="o", title="own")
    listed_bar = r'<rect x="0" y="\d+" width="(\d+)" height="11" fill="[^"]+" fill-opacity'
    shared = int(re.search(listed_bar, svg).group(1))
    alone = int(re.search(listed_bar, own).group(1))
    assert 0 < shared < alone / 5  # 22 of 158 is a short bar, 22 of 22 a full one
