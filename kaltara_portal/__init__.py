"""The portal's project package. Imported before any app, so before polars is loaded.

polars allocates with its own jemalloc, which polars sets to keep freed pages for half a second, then
(lazily freed, still counted as the process's memory) for a second more. An import's steps (reading, the
checks across rows, the checks against the portal, the comparison of corrections, the proposals) each
left the pages of their working tables behind for the next step to pile on. Returned to the system after
50 ms by jemalloc's background thread, a million-row import peaks at about 435 MB into an empty portal
and 465 MB into a portal of 1.4 million families, in the same time; under polars' setting it had peaked
at 570 MB (``docs/benchmarks.md`` has the figures for each setting). polars appends this variable after
its own settings, so it overrides them; an operator's own value is left as it is.
"""

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:50,muzzy_decay_ms:0")
