"""Monthly settlement statements between pairs of companies, with the set-off of reciprocal
at-cost amounts (relevé de compensation)."""
