"""The portal's project package. Imported before any app, so before polars is loaded.

polars allocates with its own jemalloc, which polars sets to keep freed pages for half a second, then
(lazily freed, still counted as the process's memory) for a second more: an import's steps (reading,
the checks across rows, the checks against the portal, the proposals) each left the pages of their
working tables behind for the next step to pile on, and a million-row import peaked at 570 MB. Returned
to the system after 0.1 s by jemalloc's background thread, the same import peaked at 499 MB in about the
same time (``docs/benchmarks.md``). polars adds this variable after its own settings, so it overrides
them; an operator's own value is left as it is.
"""

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0")
