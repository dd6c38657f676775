"""Route handlers, one controller per area; each handler calls one use case."""
