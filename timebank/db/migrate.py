"""Apply Piccolo migrations programmatically (the `timebank db migrate` command and start-up)."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards


class MigrationFailed(Exception):
    """A migration did not apply; the database was left as the last successful migration."""


async def migrate(*, verbose: bool = False) -> str:
    """Run every pending migration; return Piccolo's report. Raise MigrationFailed."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        result = await run_forwards(app_name="timebank")
    report = output.getvalue()
    if verbose:
        print(report, end="")
    if not result.success:
        raise MigrationFailed(f"{result.message}\n{report}")
    return report
