"""Employer groups (groupements d'employeurs): members and the shared staff they employ."""

from timebank.groups.model import EmployerGroup, GroupMember, LegalForm

__all__ = ["EmployerGroup", "GroupMember", "LegalForm"]
