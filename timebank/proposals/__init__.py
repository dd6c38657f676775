"""Matching in the service: feed the solver from the database, store its proposals, let the
companies and employees review them (accept → a loan proposal; decline with a reason, which
later runs respect)."""
