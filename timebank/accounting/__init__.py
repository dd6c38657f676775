"""Accounting exports for accountants: FEC-layout entries, hours, amortisation statements."""
