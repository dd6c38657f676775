"""Trainings: the skill domain each serves and the link to the employer's digital-transformation
plan. Written by hand; both columns are nullable so the trainings logged before stay valid."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T17:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "training skill domain and transformation plan link"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)

    manager.add_column(
        table_class_name="TrainingTable",
        tablename="training",
        column_name="domain_code",
        db_column_name="domain_code",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="TrainingTable",
        tablename="training",
        column_name="plan_link",
        db_column_name="plan_link",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 300,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
