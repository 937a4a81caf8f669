"""Plain text from what people type."""

from highlands.text.markup import clean_plain_text


def test_tags_are_stripped_and_text_kept():
    assert clean_plain_text("<b>Laser</b> cutting<script>alert(1)</script> ") == "Laser cutting"


def test_entities_are_unescaped_once():
    assert clean_plain_text("R&amp;D &lt;fast&gt;") == "R&D <fast>"
