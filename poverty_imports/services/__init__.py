"""The import's and the export's services, by concern:

* ``upload``: an upload checked and stored, its import started as a background job; the command line's
  import; an export started;
* ``scope``: where a user may import;
* ``run``: the import itself (read and check in batches, across rows, against the portal, write or refuse);
* ``portal``: what the portal holds about a file's rows, read once;
* ``proposals``: the valid rows as proposed changes, handed to ``poverty_data``'s bulk service;
* ``results``: the report and the rows left out, for the uploader;
* ``jobs``: the background tasks.
"""

from .results import rejected_rows_file, report_lines
from .run import estimate_rows, import_run, rules_for
from .scope import may_import_into, village_states_for
from .upload import export_start, import_create, import_from_path

__all__ = [
    "estimate_rows",
    "export_start",
    "import_create",
    "import_from_path",
    "import_run",
    "may_import_into",
    "rejected_rows_file",
    "report_lines",
    "rules_for",
    "village_states_for",
]
