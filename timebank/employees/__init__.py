"""Employees of member companies: job, at-cost inputs (personal data), skills offered, approvals."""

from timebank.employees.model import (
    CostInputs,
    Employee,
    LendingApproval,
    SkillLevel,
    hourly_cost_cents,
)

__all__ = ["CostInputs", "Employee", "LendingApproval", "SkillLevel", "hourly_cost_cents"]
