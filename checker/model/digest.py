"""Digests of content (rules, cache keys, code) and the cache's MAC: BLAKE2b, 256 bits.

Taken from the standard library's own BLAKE2 module: `hashlib` loads OpenSSL as it is
imported, which was 2 ms of a one-file `checker eval` (45 ms in all), and `hmac` imports
`hashlib`. BLAKE2b with a key is a MAC by design (RFC 7693), so no HMAC construction is
needed over it. An interpreter without that module gets the same function from hashlib.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython always builds it
    from hashlib import blake2b

try:
    from _operator import _compare_digest as _same
except ImportError:  # pragma: no cover
    from hmac import compare_digest as _same  # type: ignore[no-redef]

SIZE = 32
"""Bytes of every digest: 64 hex digits."""


def digest(data: bytes) -> str:
    """The hex digest of `data`."""
    return blake2b(data, digest_size=SIZE).hexdigest()


def hasher() -> blake2b:
    """A digest to feed piece by piece (`update`), read with `hexdigest()`."""
    return blake2b(digest_size=SIZE)


def mac(key: bytes, data: bytes) -> str:
    """The hex MAC of `data` under `key` (at most 64 bytes)."""
    return blake2b(data, key=key, digest_size=SIZE).hexdigest()


def same(a: bytes, b: bytes) -> bool:
    """Whether two MACs are equal, compared in constant time."""
    return _same(a, b)
