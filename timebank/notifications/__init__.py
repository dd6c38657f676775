"""Notifications: an outbox written in the same transaction as the event, read in the app,
and sent by e-mail when SMTP is configured."""
