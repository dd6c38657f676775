"""Server-rendered French pages, one module per area, each calling the same use cases as the API."""

from __future__ import annotations

from litestar import Controller

from web.pages.account import AccountPages
from web.pages.accounting import AccountingPages
from web.pages.company import CompanyPages
from web.pages.dashboard import DashboardPages
from web.pages.expenses import ExpensePages
from web.pages.groups import GroupPages
from web.pages.hours import HourPages
from web.pages.invoices import InvoicePages
from web.pages.jobs import JobPages
from web.pages.loans import LoanPages
from web.pages.needs import NeedPages
from web.pages.operator import OperatorPages
from web.pages.profile import ProfilePages
from web.pages.proposals import ProposalPages
from web.pages.public import PublicPages
from web.pages.statements import StatementPages
from web.pages.trainings import TrainingPages

PAGE_CONTROLLERS: tuple[type[Controller], ...] = (
    PublicPages,
    DashboardPages,
    AccountPages,
    ProfilePages,
    CompanyPages,
    NeedPages,
    ProposalPages,
    LoanPages,
    HourPages,
    StatementPages,
    InvoicePages,
    AccountingPages,
    TrainingPages,
    ExpensePages,
    GroupPages,
    OperatorPages,
    JobPages,
)
