"""The linkage secret and the keys derived from it.

Member agencies share one secret; the coordinator who links the encoded files never
holds it. Every use of the secret goes through its own derived key
(HMAC-SHA256 of the secret and a purpose label), so that the same name hashed for two
purposes (an exact token, a Bloom-filter field) gives unrelated values: knowing one
encoding says nothing about another (*field-level salting*).

Examples
--------
>>> secret = bytes.fromhex("00" * 32)
>>> derive_key(secret, "token:name_dob") == derive_key(secret, "token:last_dob")
False
>>> len(keyed_digests(derive_key(secret, "demo"), ["maria", "jose"])[0])
32
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from pathlib import Path

MIN_SECRET_BYTES = 16
"""A shorter secret could be guessed by whoever holds an encoded file."""


def read_secret(path: str | Path) -> bytes:
    """Read the shared linkage secret from a file (surrounding whitespace ignored).

    Generate one with ``python -c "import secrets; print(secrets.token_hex(32))" > linkage.key``
    and share it among the agencies only, never with the coordinator.

    Raises
    ------
    ValueError
        If the file holds fewer than :data:`MIN_SECRET_BYTES` bytes.
    FileNotFoundError
        If there is no such file.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "k"; _ = p.write_text("short")
    >>> read_secret(p)
    Traceback (most recent call last):
    ...
    ValueError: the secret in k is too short (5 bytes): use at least 16 random bytes, e.g. 64 hex digits
    """
    path = Path(path)
    secret = path.read_bytes().strip()
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(
            f"the secret in {path.name} is too short ({len(secret)} bytes): use at least "
            f"{MIN_SECRET_BYTES} random bytes, e.g. 64 hex digits"
        )
    return secret


def derive_key(secret: bytes, purpose: str) -> bytes:
    """The key of one purpose: HMAC-SHA256(secret, purpose)."""
    return hmac.new(secret, purpose.encode("utf-8"), hashlib.sha256).digest()


def key_check(secret: bytes) -> str:
    """A short fingerprint of the secret, written into every encoded file.

    It lets the coordinator see that two files were encoded with different secrets
    (they would never match) without learning the secret.

    Examples
    --------
    >>> key_check(b"x" * 32) == key_check(b"x" * 32), key_check(b"x" * 32) == key_check(b"y" * 32)
    (True, False)
    """
    return derive_key(secret, "key-check").hex()[:12]


def keyed_digests(key: bytes, values: Iterable[str]) -> list[bytes]:
    """HMAC-SHA256 of each value under ``key`` (call it on distinct values only).

    Hashing is the one step that runs value by value: there is no vectorized HMAC. The
    callers pass each distinct value once and map the digests back with pandas.
    """
    return [hmac.digest(key, v.encode("utf-8"), "sha256") for v in values]
