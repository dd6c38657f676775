"""Needs: a company's request for skills and hours, within a time window."""

from timebank.needs.model import Need, NeedStatus, RequiredSkill

__all__ = ["Need", "NeedStatus", "RequiredSkill"]
