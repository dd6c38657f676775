"""A person's notifications."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from timebank.notifications.model import Notification


class NotificationOut(BaseModel):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, notification: Notification) -> NotificationOut:
        return cls(
            id=notification.id,
            kind=notification.kind,
            subject=notification.subject,
            body=notification.body,
            link=notification.link,
            created_at=notification.created_at,
            read=notification.read_at is not None,
        )
