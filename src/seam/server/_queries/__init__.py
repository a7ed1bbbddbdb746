"""The broker's SQL, one module per resource: small functions over a connection.

The service (:mod:`seam.server._service`) composes these inside its transactions and holds
no SQL of its own. Every query is portable: ``?`` placeholders, columns read by name
(computed columns aliased), ``ON CONFLICT DO NOTHING``, ``RETURNING id``, no engine-only
functions. Rows come back as the TypedDicts of :mod:`seam.server._queries.rows`.
"""
