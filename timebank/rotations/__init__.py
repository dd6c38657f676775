"""Shared-CDO time-share of employer groups: periods, plans, calendars, cost allocation."""
