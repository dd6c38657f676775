"""The Litestar application: JSON API under /api/v1, French pages, auth, error mapping."""
