"""The portal's project package. Imported before any app, so before polars is loaded.

polars allocates with its own jemalloc, which polars sets to keep freed pages for half a second, then
(lazily freed, still counted as the process's memory) for a second more, so an import's steps (reading,
the checks across rows, the checks against the portal, the comparison of corrections, the proposals)
each pile the pages their predecessors freed under their own. Returned to the system after 50 ms by
jemalloc's background thread instead, a million-row import peaked at 424-434 MB into an empty portal
(462-466 MB under polars' setting) and 462-463 MB into a portal of 1.4 million families (491-495 MB), in
the same time (``docs/benchmarks.md``). polars appends this variable after its own settings, so it
overrides them; an operator's own value is left as it is.
"""

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:50,muzzy_decay_ms:0")
