"""A seeded, deterministic demo network: 150 PMEs, their staff, needs, two employer groups."""
