"""The header that names a file served for download (or shown inline)."""

from __future__ import annotations


def disposition(filename: str, *, inline: bool = False) -> dict[str, str]:
    """`Content-Disposition` with the file's name: saved as (attachment) or shown (inline)."""
    kind = "inline" if inline else "attachment"
    return {"Content-Disposition": f'{kind}; filename="{filename}"'}
