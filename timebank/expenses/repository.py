"""Queries of the expenses area (Piccolo rows <-> `timebank.expenses.model`)."""

from __future__ import annotations


class ExpenseRepository:
    """The only place with queries on `ExpenseTable`."""
