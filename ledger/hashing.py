"""Tamper evidence: each transfer's hash covers the previous transfer's hash and its own content.

`hash_n = sha256(hash_(n-1) || canonical(transfer_n))`, in the order the ledger accepted the
transfers (their sequence). Changing, removing or reordering a stored transfer breaks the chain
from that record on.
"""

from __future__ import annotations

import hashlib
from datetime import UTC
from typing import Final

from ledger.model import Transfer

GENESIS_HASH: Final = "0" * 64
SEPARATOR: Final = "\x1f"


def canonical(transfer: Transfer, sequence: int) -> bytes:
    """A stable byte encoding of everything a transfer says (UTC timestamps to the µs).

    Fields in a fixed order, separated by the ASCII unit separator (0x1F), which no field may
    contain (ids are UUIDs, codes are enum values, external references are checked).
    """
    expires_at = (
        ""
        if transfer.expires_at is None
        else transfer.expires_at.astimezone(UTC).isoformat(timespec="microseconds")
    )
    fields = (
        str(sequence),
        transfer.id,
        transfer.kind.value,
        transfer.unit.value,
        transfer.code.value,
        str(transfer.debit_account_id),
        str(transfer.credit_account_id),
        str(transfer.amount),
        transfer.pending_id or "",
        expires_at,
        transfer.external_ref or "",
        transfer.reverses_id or "",
        transfer.request_hash,
        transfer.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
    )
    return SEPARATOR.join(fields).encode("utf-8")


def chain_hash(previous_hash: str, transfer: Transfer, sequence: int) -> str:
    assert len(previous_hash) == 64
    digest = hashlib.sha256(previous_hash.encode("ascii"))
    digest.update(canonical(transfer, sequence))
    return digest.hexdigest()
