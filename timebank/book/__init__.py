"""The time bank's book: ledger accounts of companies and of the programme, stored and queried.

Decisions are taken by the pure `ledger` state machine; this area loads what it needs under
locks, writes what it decided, and answers balance, history, statement and audit questions.
"""
