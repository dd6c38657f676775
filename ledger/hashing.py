"""Tamper evidence: each transfer's hash covers the previous transfer's hash and its own content.

`hash_n = sha256(hash_(n-1) || canonical(transfer_n))`, in the order the ledger accepted the
transfers (their sequence). Changing, removing or reordering a stored transfer breaks the chain
from that record on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Final

from ledger.model import Transfer

GENESIS_HASH: Final = "0" * 64


def canonical(transfer: Transfer, sequence: int) -> bytes:
    """A stable byte encoding of everything a transfer says (UTC timestamps to the µs)."""
    payload = {
        "sequence": sequence,
        "id": transfer.id,
        "kind": transfer.kind.value,
        "unit": transfer.unit.value,
        "code": transfer.code.value,
        "debit_account_id": transfer.debit_account_id,
        "credit_account_id": transfer.credit_account_id,
        "amount": transfer.amount,
        "pending_id": transfer.pending_id,
        "expires_at": None
        if transfer.expires_at is None
        else transfer.expires_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "external_ref": transfer.external_ref,
        "reverses_id": transfer.reverses_id,
        "request_hash": transfer.request_hash,
        "created_at": transfer.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def chain_hash(previous_hash: str, transfer: Transfer, sequence: int) -> str:
    assert len(previous_hash) == 64
    digest = hashlib.sha256(previous_hash.encode("ascii"))
    digest.update(canonical(transfer, sequence))
    return digest.hexdigest()
