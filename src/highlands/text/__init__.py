"""Text helpers at the bottom of the house: no module here imports an app.

``folding`` (one comparable form of a text), ``names`` (name comparison keys), ``slugs``,
``markup`` (plain text from what people type), ``analysis`` (the search analyzer: words,
stop words, stems), ``spreadsheet`` (CSV cells no spreadsheet evaluates) and ``places``
(the voivodeships).
"""
