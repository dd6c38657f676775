"""Trainings: logged by employees, approved by employers, rated; the public ratings page."""

from __future__ import annotations

from litestar import Controller


class TrainingPages(Controller):
    include_in_schema = False
