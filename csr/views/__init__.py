"""CSR pages, by concern: programmes, proposals, matches, companies and the reports.

Thin: a policy check (``@allowed`` for pages without an object, a policy-checked getter for pages
that take an id), one selector or service, a render or redirect. Lists go through
``core.lists.list_page`` with the declarations in ``csr.lists``.
"""
