"""What the region commands share: read a file, parse it whole, import it, or say why nothing was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from regions.services import RegionImportError


def import_file(file: Path, parse: Callable[[BinaryIO], Any], run: Callable[..., Any], stderr: Any) -> Any:
    """``run(rows=parse(stream))``; a file that cannot be read or has errors imports nothing (each error
    on ``stderr``, then a CommandError with their count, in the user's language)."""
    try:
        with file.open("rb") as stream:
            rows = parse(stream)
        return run(rows=rows)
    except OSError as exc:
        raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from None
    except RegionImportError as exc:
        for error in exc.errors:
            stderr.write(error)
        raise CommandError(
            _("Nothing was imported: the file has %(count)d error(s).") % {"count": len(exc.errors)}
        ) from None
