"""Piccolo's configuration module: the engine comes from TIMEBANK_DATABASE_URL."""

from piccolo.conf.apps import AppRegistry

from timebank.config import get_settings
from timebank.db.engine import make_engine

DB = make_engine(get_settings().database)

APP_REGISTRY = AppRegistry(apps=["timebank.db.piccolo_app"])
