"""OR-Tools models: skill matching and shared-CDO rotations (plain dataclasses in and out)."""
