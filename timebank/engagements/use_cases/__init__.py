"""Use cases of the exchange: propose a loan, move it through its steps, record the paperwork,
reserve the hours in the ledger, log time, approve it (posting minutes and at-cost cents).

Every ledger movement is written in the same transaction as the rows it belongs to, with ids
derived from those rows, so a retry can never post twice.

The use cases by sub-flow (lifecycle, reads, hours, extensions; common and ledger_moves hold
what they share); every public name is here too.
"""

from __future__ import annotations

from timebank.engagements.use_cases.extensions import (
    decide_extension,
    request_extension,
)
from timebank.engagements.use_cases.hours import (
    REVIEW_BATCH_MAX,
    RUNNING_LOANS_MAX,
    RunningLoan,
    approve_entries,
    edit_entry,
    entries_to_review,
    get_entry,
    list_entries,
    log_time,
    my_running_loans,
    reject_entry,
    week_entries,
    withdraw_entry,
)
from timebank.engagements.use_cases.ledger_moves import (
    LEDGER_NAMESPACE,
)
from timebank.engagements.use_cases.lifecycle import (
    propose,
    record_cse,
    set_terms,
    sign,
    take_step,
)
from timebank.engagements.use_cases.reads import (
    LOAN_SIDES,
    EngagementView,
    LoanLine,
    LoanSheet,
    Position,
    company_engagements,
    company_position,
    get_engagement,
    list_engagements,
    loan_sheet,
    my_engagements,
)

__all__ = [
    "LEDGER_NAMESPACE",
    "LOAN_SIDES",
    "REVIEW_BATCH_MAX",
    "RUNNING_LOANS_MAX",
    "EngagementView",
    "LoanLine",
    "LoanSheet",
    "Position",
    "RunningLoan",
    "approve_entries",
    "company_engagements",
    "company_position",
    "decide_extension",
    "edit_entry",
    "entries_to_review",
    "get_engagement",
    "get_entry",
    "list_engagements",
    "list_entries",
    "loan_sheet",
    "log_time",
    "my_engagements",
    "my_running_loans",
    "propose",
    "record_cse",
    "reject_entry",
    "request_extension",
    "set_terms",
    "sign",
    "take_step",
    "week_entries",
    "withdraw_entry",
]
