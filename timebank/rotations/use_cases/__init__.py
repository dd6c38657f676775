"""What coordinators, members and CDOs do with a group's shared-CDO time-share.

The coordinator opens a period, says which CDOs work in it; each member's admin states its
request; the coordinator generates a plan (CP-SAT, `matching.cdo_rotation`), adjusts slots by
hand, re-plans the rest with stability, and publishes. Members and CDOs see their own slots
and subscribe to a calendar feed. Each finished month, the CDOs' cost is allocated to the
members at cost, pro rata of the slots worked, and posted to the ledger.

The use cases by sub-flow (periods, planning, calendars, allocation, jobs; common holds what
they share); every public name is here too.
"""

from __future__ import annotations

from timebank.rotations.use_cases.allocation import (
    ALLOCATION_NAMESPACE,
    allocate_month,
    allocations_of_company,
    list_allocations,
)
from timebank.rotations.use_cases.calendars import (
    CdoSchedule,
    cdo_names,
    cdo_schedules,
    create_feed,
    download_calendar,
    feed_calendar,
    live_feeds,
    revoke_feed,
)
from timebank.rotations.use_cases.common import (
    FRANCE_CENTRE,
    PeriodView,
)
from timebank.rotations.use_cases.jobs import (
    allocate_last_month,
    plan_next_month,
    remind_next_week,
)
from timebank.rotations.use_cases.periods import (
    create_period,
    get_period,
    list_periods,
    set_cdo,
    set_request,
)
from timebank.rotations.use_cases.planning import (
    PlanInput,
    add_slot_by_hand,
    generate_plan,
    list_slots,
    prepare_plan,
    publish,
    remove_slot,
    set_worked,
    solve_plan,
    start_plan_job,
    store_plan,
)

__all__ = [
    "ALLOCATION_NAMESPACE",
    "FRANCE_CENTRE",
    "CdoSchedule",
    "PeriodView",
    "PlanInput",
    "add_slot_by_hand",
    "allocate_last_month",
    "allocate_month",
    "allocations_of_company",
    "cdo_names",
    "cdo_schedules",
    "create_feed",
    "create_period",
    "download_calendar",
    "feed_calendar",
    "generate_plan",
    "get_period",
    "list_allocations",
    "list_periods",
    "list_slots",
    "live_feeds",
    "plan_next_month",
    "prepare_plan",
    "publish",
    "remind_next_week",
    "remove_slot",
    "revoke_feed",
    "set_cdo",
    "set_request",
    "set_worked",
    "solve_plan",
    "start_plan_job",
    "store_plan",
]
