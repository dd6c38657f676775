"""The single Piccolo app of the project: every table and one migration history.

Tables declare `id = Serial(primary_key=True)` explicitly (for the type checker); Piccolo's
`--auto` then proposes to add `id` to tables created before that, which already have it: drop
those `add_column(... column_name="id" ...)` operations from a generated migration.
"""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="timebank",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["timebank.db.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
