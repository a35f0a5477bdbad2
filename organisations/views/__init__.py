"""Pages of the Karang Taruna registry, by concern: the registry (list, dashboard, an organisation),
its records (terms, officers, assessments, programmes, assistance, partnerships, documents) and
the capacity-building events.

Thin: a policy check (``@allowed`` for pages without an object, a policy-checked getter from
``selectors`` for pages that take an id: 404 outside the scope, 403 when visible but not allowed),
one selector or service, a render or redirect. Lists go through ``core.lists.list_page``.
"""
