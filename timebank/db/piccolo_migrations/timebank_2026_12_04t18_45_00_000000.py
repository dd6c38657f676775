"""Engagements: the loan's own terms the admins agree before it starts — probation period
(working days; null while not agreed), working hours and their spread, the post's particular
characteristics (C. trav. L8241-2). Written by hand; null and empty defaults keep the loans
made before valid (their documents say what is missing)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T18:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "engagement probation period, working hours and post characteristics"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)

    manager.add_column(
        table_class_name="EngagementTable",
        tablename="engagement",
        column_name="probation_days",
        db_column_name="probation_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
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

    manager.add_column(
        table_class_name="EngagementTable",
        tablename="engagement",
        column_name="working_hours",
        db_column_name="working_hours",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
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

    manager.add_column(
        table_class_name="EngagementTable",
        tablename="engagement",
        column_name="post_characteristics",
        db_column_name="post_characteristics",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
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
