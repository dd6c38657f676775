"""Ledger guards the table definitions cannot express, on each engine.

- Limits and non-negative counters are CHECKed (PostgreSQL constraints, SQLite triggers): the
  database asserts again what the state machine decided.
- `(account, account_version)` is unique: a lost update or a double apply becomes an error.
- A pending transfer is resolved at most once, and a transfer reversed at most once.
- Transfers, entries and rejections can never be updated or deleted; accounts never deleted.
- The hash chain starts at the genesis row of `ledger_head`.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T17:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger constraints, immutability triggers, chain head"

GENESIS = "0" * 64
ACCOUNT_OK = (
    "debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 "
    "AND credits_posted >= 0 AND version >= 0 "
    "AND (balance_min IS NULL OR credits_posted - debits_posted - debits_pending >= balance_min) "
    "AND (balance_max IS NULL OR credits_posted + credits_pending - debits_posted <= balance_max)"
)
TRANSFER_OK = "amount > 0 AND debit_account <> credit_account"
COMMON = [
    "CREATE UNIQUE INDEX ledger_account_company_unit ON ledger_account (company, unit, kind) "
    "WHERE company IS NOT NULL",
    "CREATE UNIQUE INDEX ledger_account_system_unit ON ledger_account (kind, unit) "
    "WHERE company IS NULL",
    "CREATE UNIQUE INDEX ledger_transfer_one_resolution ON ledger_transfer (pending_id) "
    "WHERE pending_id IS NOT NULL",
    "CREATE UNIQUE INDEX ledger_transfer_one_reversal ON ledger_transfer (reverses_id) "
    "WHERE reverses_id IS NOT NULL",
    "CREATE UNIQUE INDEX ledger_entry_account_version ON ledger_entry (account, account_version)",
    "CREATE INDEX ledger_entry_account_created ON ledger_entry (account, created_at)",
    f"INSERT INTO ledger_head (id, last_sequence, last_hash) VALUES (1, 0, '{GENESIS}')",
]
POSTGRES = [
    f"ALTER TABLE ledger_account ADD CONSTRAINT ledger_account_within_limits CHECK ({ACCOUNT_OK})",
    f"ALTER TABLE ledger_transfer ADD CONSTRAINT ledger_transfer_valid CHECK ({TRANSFER_OK})",
    """CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger rows are immutable: % on %', TG_OP, TG_TABLE_NAME;
    END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER ledger_transfer_immutable BEFORE UPDATE OR DELETE ON ledger_transfer "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE OR DELETE ON ledger_entry "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "CREATE TRIGGER ledger_rejection_immutable BEFORE UPDATE OR DELETE ON ledger_rejection "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "CREATE TRIGGER ledger_account_kept BEFORE DELETE ON ledger_account "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "CREATE TRIGGER ledger_head_kept BEFORE DELETE ON ledger_head "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
] + [
    # TRUNCATE skips row triggers: a statement trigger refuses it too.
    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
    for table in ("ledger_transfer", "ledger_entry", "ledger_rejection", "ledger_account",
                  "ledger_head")
]
SQLITE = [
    f"""CREATE TRIGGER ledger_account_limits_insert BEFORE INSERT ON ledger_account
    WHEN NOT ({ACCOUNT_OK.replace("debits_", "NEW.debits_").replace("credits_", "NEW.credits_")
                .replace("balance_", "NEW.balance_").replace("version", "NEW.version")})
    BEGIN SELECT RAISE(ABORT, 'ledger account outside its limits'); END""",
    f"""CREATE TRIGGER ledger_account_limits_update BEFORE UPDATE ON ledger_account
    WHEN NOT ({ACCOUNT_OK.replace("debits_", "NEW.debits_").replace("credits_", "NEW.credits_")
                .replace("balance_", "NEW.balance_").replace("version", "NEW.version")})
    BEGIN SELECT RAISE(ABORT, 'ledger account outside its limits'); END""",
    """CREATE TRIGGER ledger_transfer_valid BEFORE INSERT ON ledger_transfer
    WHEN NOT (NEW.amount > 0 AND NEW.debit_account <> NEW.credit_account)
    BEGIN SELECT RAISE(ABORT, 'invalid ledger transfer'); END""",
] + [
    f"""CREATE TRIGGER {table}_immutable_{operation.lower()} BEFORE {operation} ON {table}
    BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable'); END"""
    for table in ("ledger_transfer", "ledger_entry", "ledger_rejection")
    for operation in ("UPDATE", "DELETE")
] + [
    f"""CREATE TRIGGER {table}_kept BEFORE DELETE ON {table}
    BEGIN SELECT RAISE(ABORT, 'ledger rows are immutable'); END"""
    for table in ("ledger_account", "ledger_head")
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="timebank", description=DESCRIPTION)

    async def run() -> None:
        from timebank.db.piccolo_conf import DB

        specific = SQLITE if DB.engine_type == "sqlite" else POSTGRES
        for statement in [*specific, *COMMON]:
            await DB.run_ddl(statement)

    manager.add_raw(run)
    return manager
