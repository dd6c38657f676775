"""Persistence: Piccolo engine, tables, migrations and the unit of work.

Piccolo finds its configuration through PICCOLO_CONF; we point it at our module before any
table is used, so the engine always comes from `TIMEBANK_DATABASE_URL`.
"""

import os

os.environ.setdefault("PICCOLO_CONF", "timebank.db.piccolo_conf")
