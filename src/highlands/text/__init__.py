"""Text helpers at the bottom of the house: no module here imports an app.

``folding`` (one comparable form of a text), ``names`` (name comparison keys), ``slugs``,
``markup`` (plain text from what people type) and ``analysis`` (the search analyzer: words,
stop words, stems).
"""
