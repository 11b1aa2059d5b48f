"""What the service reads and answers, declared once with marshmallow.

The same schemas parse requests, serialise answers and describe both in the
OpenAPI document (:mod:`app.openapi`).

- :mod:`app.schemas.dump`: the fast dump of catalogue rows (relies on
  marshmallow 4 internals).
- :mod:`app.schemas.fields`: the field types of answers, including objects
  built from flat row keys.
- :mod:`app.schemas.requests`: query arguments, path variables and the
  batch body, with their limits and messages.
- :mod:`app.schemas.objects`: the contract's Image, Artist, Album, Track and
  batch answer.
- :mod:`app.schemas.service`: the error and health answers.

Rows from :mod:`app.catalog` keep keys named after their columns
(``followers_total``, ``external_id_isrc``); a schema gives each its name in
the answer with ``data_key``, so another family of objects can shape the
same rows differently.
"""
