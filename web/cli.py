"""The `timebank` console script: `serve` plus the domain commands of `timebank/cli.py`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from timebank import cli as domain_cli
from timebank.config import SettingsError
from timebank.db.engine import DatabaseUnavailable
from timebank.demo.load import DemoLogin, DemoSummary
from timebank.errors import TimebankError


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
            domain_cli.with_database(settings, lambda: _prepare(args.demo))
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
    from web.app import create_app

    uvicorn.run(
        create_app(run_scheduler=not args.no_scheduler), host=host, port=port, log_level="info"
    )
    return domain_cli.EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return domain_cli.run_domain_command(args)


if __name__ == "__main__":
    sys.exit(main())
