"""Demo: publish the demo's closed rounds and CSR realisation (run after csr by seed_demo)."""

from __future__ import annotations

from . import publish


def seed(ctx) -> None:
    summary = publish.summaries_refresh()
    ctx.log(
        f"opendata: {summary.areas} areas, {summary.releases} published rounds, "
        f"{summary.suppressed} counts suppressed, {summary.csr_rows} CSR rows"
    )
