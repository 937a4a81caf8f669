"""The API toolkit every router uses; it imports no app.

``auth`` (bearer token or session), ``errors`` (``ErrorOut``, documented error responses, the
``ApplicationError`` → HTTP mapping), ``pagination`` (``PageIn``, ``paginate``), ``types``
(bounded strings and integers for every parameter and body field) and ``inputs`` (the strict
body base, the language parameter); ``objects`` (``permitted``/``visible``: 403 or 404 around
one record).
"""
