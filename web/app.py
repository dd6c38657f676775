"""Build the Litestar application: API, pages, auth, errors, OpenAPI at /schema."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from litestar import Litestar, Response, get
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from litestar.template.config import TemplateConfig

from contracts.render import close_pdf_process, start_pdf_process
from timebank.config import get_settings
from timebank.db.engine import close_database, open_database, ping
from timebank.db.unit_of_work import engine, piccolo_unit_of_work
from timebank.jobs.use_cases import fail_stale_jobs
from timebank.jobs.use_cases import shut_down as shut_down_solvers
from timebank.scheduler import SchedulerLeader
from web.auth import ANONYMOUS, auth_middleware
from web.controllers.accounting import AccountingController
from web.controllers.auth import AuthController
from web.controllers.companies import AccountantController, CompanyController
from web.controllers.documents import DocumentController, TemplateController
from web.controllers.employees import EmployeeController
from web.controllers.exchanges import (
    EngagementController,
    NotificationController,
    SettlementController,
    TimesheetController,
)
from web.controllers.expenses import ExpenseController
from web.controllers.groups import GroupController
from web.controllers.indicators import IndicatorController
from web.controllers.invoices import InvoiceController
from web.controllers.ledger import LedgerController
from web.controllers.matching import MatchingController
from web.controllers.needs import NeedController
from web.controllers.rotations import RotationController, RotationGroupController, rotation_feed
from web.controllers.skills import SkillController
from web.controllers.trainings import TrainingController
from web.dependencies import DEPENDENCIES
from web.errors import EXCEPTION_HANDLERS
from web.limits import refuse_out_of_range_integers
from web.openapi_refusals import document_refusals
from web.openapi_ui import StaticSwaggerRenderPlugin
from web.pages import PAGE_CONTROLLERS
from web.schemas import HealthOut
from web.security_headers import add_security_headers

WEB_DIRECTORY: Final = Path(__file__).parent
REQUEST_BODY_BYTES_MAX: Final = 1024 * 1024


@get("/healthz", opt={"public": True, ANONYMOUS: True}, tags=["Santé"])
async def healthz() -> Response[HealthOut]:
    """200 when the database answers, 503 otherwise."""
    database = get_settings().database.kind.value
    if await ping(engine()):
        return Response(HealthOut(status="ok", database=database))
    return Response(
        HealthOut(status="unavailable", database=database), status_code=HTTP_503_SERVICE_UNAVAILABLE
    )


def _freeze_start_up_objects() -> None:
    """What the start made (modules, routes, schemas, settings) lives as long as the process,
    yet each full garbage collection walked all of it, holding every request of the worker
    meanwhile. Collected once here, then left out of later collections, which walk only what
    requests made (`docs/operations.md`)."""
    gc.collect()
    gc.freeze()


def _templates_read_once(templates: JinjaTemplateEngine) -> None:
    """The templates ship with the package and change only with it: each is read once, not
    checked on disk (two `stat` calls for a page and its base) at every rendering."""
    templates.engine.auto_reload = False


def create_app(
    *, manage_database: bool = True, run_scheduler: bool = False, serving: bool = False
) -> Litestar:
    """The application; tests pass manage_database=False when they hold the connection pool.

    `timebank serve` runs the scheduled jobs in the process that holds the leader lease; a
    serving process (`serving`) starts its PDF process and freezes its start-up objects before
    it serves; elsewhere the PDF process starts at the first PDF.
    """
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        del app
        if manage_database:
            await open_database(engine(), settings.database)
            await fail_stale_jobs(piccolo_unit_of_work, now=datetime.now(UTC))
        leader = SchedulerLeader(settings.database, retry_seconds=settings.leadership_retry_seconds)
        if run_scheduler:
            leader.start()
        if serving:
            await start_pdf_process()
            _freeze_start_up_objects()
        try:
            yield
        finally:
            await leader.stop()
            shut_down_solvers()
            if serving:
                close_pdf_process()
            if manage_database:
                await close_database(engine(), settings.database)

    logging.basicConfig(level=logging.INFO)
    app = Litestar(
        route_handlers=[
            healthz,
            AuthController,
            CompanyController,
            AccountantController,
            EmployeeController,
            SkillController,
            NeedController,
            GroupController,
            RotationGroupController,
            RotationController,
            rotation_feed,
            TemplateController,
            DocumentController,
            AccountingController,
            TrainingController,
            ExpenseController,
            LedgerController,
            EngagementController,
            TimesheetController,
            SettlementController,
            InvoiceController,
            NotificationController,
            MatchingController,
            IndicatorController,
            *PAGE_CONTROLLERS,
            create_static_files_router(
                path="/static",
                directories=[WEB_DIRECTORY / "static"],
                opt={"public": True, ANONYMOUS: True},
            ),
        ],
        dependencies=DEPENDENCIES,
        middleware=[auth_middleware],
        before_request=refuse_out_of_range_integers,
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[add_security_headers(https_only=settings.cookie_secure)],
        lifespan=[lifespan],
        template_config=TemplateConfig(
            directory=WEB_DIRECTORY / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=_templates_read_once,
        ),
        openapi_config=OpenAPIConfig(
            title="Bourse de temps numérique",
            version="0.1.0",
            description="API de la bourse de temps entre PME (erreurs : code, message, "
            "message_en, field).",
            path="/schema",
            # Swagger UI served from the package: /schema works without internet.
            render_plugins=[
                StaticSwaggerRenderPlugin(
                    js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                    css_url="/static/vendor/swagger-ui/swagger-ui.css",
                    standalone_preset_js_url="/static/vendor/swagger-ui/swagger-ui-standalone-preset.js",
                    path="/",
                    favicon="<link rel='icon' type='image/svg+xml' href='/static/favicon.svg'>",
                )
            ],
        ),
        request_max_body_size=REQUEST_BODY_BYTES_MAX,
        debug=False,
    )
    document_refusals(app)
    return app
