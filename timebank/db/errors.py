"""Recognise database errors that mean "a unique value already exists", on both engines."""

from __future__ import annotations

import sqlite3

import asyncpg


def is_unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.UniqueViolationError):
        return True
    return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)
