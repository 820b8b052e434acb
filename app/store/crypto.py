"""AES-256-GCM for the store: small blobs in database rows and chunked streams for audio files.

A blob is ``version byte + 12-byte random nonce + ciphertext and tag``. Its associated data names the table, column,
row and visit it belongs to (:func:`context`), so a blob copied into another row fails to open.

An audio file is a 16-byte header (``TJAU``, version, 7-byte random nonce prefix, chunk size) followed by chunks of
``chunk size + 16`` bytes. Chunk *i* uses the nonce ``prefix + i (4 bytes) + last flag`` (the STREAM construction),
so reordered, dropped or appended chunks and a truncated file all fail authentication.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from app.store.errors import TamperedError

__all__ = [
    "KEY_BYTES", "new_key", "context", "encrypt_blob", "decrypt_blob", "encrypt_json", "decrypt_json",
    "encrypt_file", "iter_decrypted_file",
]

KEY_BYTES = 32
BLOB_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
AUDIO_MAGIC = b"TJAU"
AUDIO_VERSION = 1
AUDIO_CHUNK = 1 << 20
_HEADER_BYTES = 16


def _aead(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(key) != KEY_BYTES:
        raise ValueError(f"the store key must be {KEY_BYTES} bytes, got {len(key)}")
    return AESGCM(key)


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


def context(table: str, column: str, row: object, visit_id: str) -> bytes:
    """Associated data binding a blob to its place: ``table / column / row key / visit id``."""
    return "\x1f".join(("tingji", table, column, str(row), visit_id)).encode("utf-8")


def encrypt_blob(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt ``plaintext`` for the place named by ``aad`` (see :func:`context`)."""
    nonce = os.urandom(NONCE_BYTES)
    header = bytes([BLOB_VERSION])
    return header + nonce + _aead(key).encrypt(nonce, plaintext, header + aad)


def decrypt_blob(key: bytes, blob: bytes, aad: bytes) -> bytes:
    """Open a blob made by :func:`encrypt_blob` for the same place.

    Raises:
        TamperedError: The blob was changed, truncated, moved from another row, or made with another key.
    """
    from cryptography.exceptions import InvalidTag

    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[0] != BLOB_VERSION:
        raise TamperedError(f"encrypted data for {_where(aad)} is damaged (bad header)")
    try:
        return _aead(key).decrypt(blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:], blob[:1] + aad)
    except InvalidTag as error:
        raise TamperedError(f"encrypted data for {_where(aad)} failed authentication: it was changed, moved "
                            f"from another row, or the key is wrong") from error


def encrypt_json(key: bytes, value: object, aad: bytes) -> bytes:
    """Encrypt a JSON-serialisable value."""
    return encrypt_blob(key, json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"), aad)


def decrypt_json(key: bytes, blob: bytes, aad: bytes) -> object:
    """Open a blob made by :func:`encrypt_json`."""
    return json.loads(decrypt_blob(key, blob, aad).decode("utf-8"))


def _where(aad: bytes) -> str:
    return "/".join(aad.decode("utf-8", "replace").split("\x1f")[1:4])


def _chunk_nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def encrypt_file(key: bytes, source: Path, target: Path, aad: bytes, chunk_size: int = AUDIO_CHUNK) -> int:
    """Encrypt ``source`` into ``target`` chunk by chunk (written to a temporary file, then renamed).

    Args:
        key: The store key.
        source: The plaintext file (FLAC audio).
        target: The encrypted file to write (mode 0600).
        aad: What the file belongs to, e.g. ``context("audio", "file", visit_id, visit_id)``.
        chunk_size: Plaintext bytes per chunk.

    Returns:
        The number of plaintext bytes encrypted.
    """
    aead = _aead(key)
    prefix = os.urandom(7)
    header = AUDIO_MAGIC + bytes([AUDIO_VERSION]) + prefix + chunk_size.to_bytes(4, "big")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    total = 0
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(source, "rb") as plain, os.fdopen(fd, "wb") as out:
        out.write(header)
        chunk, index = plain.read(chunk_size), 0
        while True:
            following = plain.read(chunk_size)
            last = not following
            out.write(aead.encrypt(_chunk_nonce(prefix, index, last), chunk, header + aad))
            total += len(chunk)
            if last:
                break
            chunk, index = following, index + 1
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    return total


def iter_decrypted_file(key: bytes, source: Path, aad: bytes) -> Iterator[bytes]:
    """Yield the plaintext of a file made by :func:`encrypt_file`, one chunk at a time.

    Raises:
        TamperedError: The file was changed, truncated, extended, or belongs to another visit.
    """
    from cryptography.exceptions import InvalidTag

    aead = _aead(key)
    with open(source, "rb") as f:
        header = f.read(_HEADER_BYTES)
        if len(header) != _HEADER_BYTES or header[:4] != AUDIO_MAGIC or header[4] != AUDIO_VERSION:
            raise TamperedError(f"{source} is not a TingJi encrypted audio file (bad header)")
        prefix, chunk_size = header[5:12], int.from_bytes(header[12:16], "big")
        block, index = f.read(chunk_size + TAG_BYTES), 0
        while True:
            following = f.read(chunk_size + TAG_BYTES)
            last = not following
            try:
                yield aead.decrypt(_chunk_nonce(prefix, index, last), block, header + aad)
            except InvalidTag as error:
                raise TamperedError(f"encrypted audio {source} failed authentication at chunk {index}: it was "
                                    f"changed or truncated, belongs to another visit, or the key is wrong") from error
            if last:
                return
            block, index = following, index + 1
