"""Professional expenses of a loan: recorded with their receipt, validated, billed at cost."""
