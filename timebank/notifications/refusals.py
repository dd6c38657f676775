"""The refusals of notifications: each defined once, raised by name (`raise NAME.error()`)."""

from __future__ import annotations

from timebank.errors import NotFound, Refusal

NOTIFICATION_NOT_FOUND = Refusal(
    "notification_not_found",
    NotFound,
    fr="Notification introuvable : {id}.",
    en="Notification not found: {id}.",
)
