"""The `timebank` console script: `serve` plus the domain commands of `timebank/cli.py`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from timebank import cli as domain_cli
from timebank.config import SettingsError
from timebank.db.engine import DatabaseUnavailable
from timebank.demo.load import DemoLogin, DemoSummary
from timebank.errors import TimebankError

if TYPE_CHECKING:
    from litestar import Litestar

WORKERS_MAX: Final = 16
# uvicorn kills a worker that does not answer its supervisor's ping in time; a worker still
# importing the app on a busy machine must not be taken for a hung one.
WORKER_HEALTHCHECK_SECONDS: Final = 30
# An idle keep-alive connection is closed after this long. uvicorn's 5 s is shorter than what
# browsers and proxies keep an idle connection for (60 s and more): a request they send on it
# just as the server closes it is lost (ECONNRESET); the server should be the last to close.
KEEP_ALIVE_SECONDS: Final = 75
# How `serve` tells its worker processes (which build the app themselves) about --no-scheduler.
RUN_SCHEDULER_VARIABLE: Final = "TIMEBANK_SERVE_RUN_SCHEDULER"


def _workers(raw: str) -> int:
    try:
        workers = int(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"nombre entier attendu / whole number: {raw!r}") from exc
    if not 1 <= workers <= WORKERS_MAX:
        raise argparse.ArgumentTypeError(f"de 1 à {WORKERS_MAX} / from 1 to {WORKERS_MAX}")
    return workers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timebank",
        description="Bourse de temps numérique entre PME / PME digital-skills time bank.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    serve = subparsers.add_parser("serve", help="lancer le service / run the service")
    serve.add_argument("--host", default=None, help="défaut / default: TIMEBANK_HOST, 127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="défaut / default: 8000")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="charger la démo si la base est vide / load the demo if empty",
    )
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help=f"processus servant le même port, 1 à {WORKERS_MAX} / worker processes sharing "
        "the port (one of them runs the scheduled jobs)",
    )
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="ne pas lancer les tâches planifiées dans ce processus / run no scheduled jobs here",
    )
    domain_cli.add_domain_commands(subparsers)
    return parser


async def _prepare(load_demo: bool) -> tuple[DemoSummary | None, tuple[DemoLogin, ...]]:
    from timebank.db.unit_of_work import piccolo_unit_of_work
    from timebank.demo.load import demo_logins, load_demo_if_empty

    await domain_cli.prepare_database(verbose=False)
    summary = None
    if load_demo:
        summary = await load_demo_if_empty(piccolo_unit_of_work, now=datetime.now(UTC))
    logins = await demo_logins(piccolo_unit_of_work, today=datetime.now(UTC).date())
    return summary, logins


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    try:
        settings = domain_cli.load_settings()
        summary, logins = asyncio.run(
            domain_cli.with_database(settings, lambda: _prepare(args.demo), create=True)
        )
    except SettingsError as exc:
        return domain_cli.fail(f"configuration invalide / invalid configuration: {exc}")
    except DatabaseUnavailable as exc:
        return domain_cli.fail(f"base de données injoignable / database unreachable: {exc}")
    except TimebankError as exc:
        return domain_cli.fail(f"{exc.message_fr} / {exc.message_en}", domain_cli.EXIT_FAILURE)
    host = args.host or settings.host
    port = args.port or settings.port
    if summary is not None:
        domain_cli.print_demo(summary)
    domain_cli.print_logins(logins)
    print(f"Base : {settings.database.describe()}")
    print(f"Ouvrez http://{host}:{port}/  (API : http://{host}:{port}/schema)")
    sys.stdout.flush()
    # The workers read their settings from the environment: they must agree with this one.
    os.environ[RUN_SCHEDULER_VARIABLE] = "0" if args.no_scheduler else "1"
    from web.throttle import WORKERS_VARIABLE  # Here: the other commands need no web stack.

    os.environ[WORKERS_VARIABLE] = str(args.workers)
    if settings.secret_key_generated:
        os.environ["TIMEBANK_SECRET_KEY"] = settings.secret_key
    uvicorn.run(
        "web.cli:served_app",
        factory=True,
        workers=args.workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        host=host,
        port=port,
        log_level="info",
    )
    return domain_cli.EXIT_OK


def served_app() -> Litestar:
    """The app of one serving process (uvicorn's factory, called in each worker); every one
    tries for the scheduler's leader lease unless `serve --no-scheduler` said otherwise."""
    from web.app import create_app

    return create_app(
        run_scheduler=os.environ.get(RUN_SCHEDULER_VARIABLE, "1") != "0", serving=True
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return domain_cli.run_domain_command(args)


if __name__ == "__main__":
    sys.exit(main())
