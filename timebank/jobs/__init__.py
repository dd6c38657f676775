"""Work that runs outside a request: background jobs started by a person (matching runs,
rotation plans: `use_cases`), and the scheduler's periodic jobs (`scheduled`)."""
