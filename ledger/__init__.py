"""Double-entry ledger of volunteered minutes and at-cost cents (standard library only)."""
