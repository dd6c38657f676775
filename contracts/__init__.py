"""Contract templates, amortisation maths and statements (Jinja2 rendering)."""
