"""« À faire »: what waits for a person now, across every area, for the dashboard."""
