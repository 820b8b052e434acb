"""Read the variable table of a CTranslate2 ``model.bin`` without loading the weights.

The header tells the architecture (layers, widths, mel bins, vocabulary size) so a folder can be checked before the
runtime is asked to load it, and a truncated file is caught with a clear message instead of a crash.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Ct2Header", "Ct2HeaderError", "read_ct2_header"]

_DTYPE_SIZES = {0: 4, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2}  # float32, int8, int16, int32, float16, bfloat16


class Ct2HeaderError(ValueError):
    """``model.bin`` is not a readable CTranslate2 model file."""


@dataclass(frozen=True)
class Ct2Header:
    """What ``model.bin`` declares.

    Attributes:
        binary_version: Format version of the file.
        spec_name: Model specification, e.g. ``"WhisperSpec"``.
        revision: Specification revision.
        shapes: Variable name to shape.
        dtypes: Variable name to stored data type id.
    """

    binary_version: int
    spec_name: str
    revision: int
    shapes: dict[str, tuple[int, ...]]
    dtypes: dict[str, int]

    def count(self, prefix: str) -> int:
        """Number of distinct layer indices under ``prefix`` (e.g. ``"encoder/layer_"``)."""
        indices = set()
        for name in self.shapes:
            if name.startswith(prefix):
                head = name[len(prefix):].split("/", 1)[0]
                if head.isdigit():
                    indices.add(int(head))
        return len(indices)


def _read_string(handle) -> str:
    raw = handle.read(2)
    if len(raw) < 2:
        raise Ct2HeaderError("unexpected end of file")
    (length,) = struct.unpack("<H", raw)
    data = handle.read(length)
    if len(data) < length:
        raise Ct2HeaderError("unexpected end of file")
    return data[:-1].decode("utf-8")


def read_ct2_header(path: str | Path) -> Ct2Header:
    """Parse the variable table of a CTranslate2 model file, skipping the weight bytes.

    Args:
        path: Path to ``model.bin``.

    Returns:
        The header.

    Raises:
        Ct2HeaderError: The file is not a CTranslate2 model or is truncated.
    """
    path = Path(path)
    size = path.stat().st_size
    shapes: dict[str, tuple[int, ...]] = {}
    dtypes: dict[str, int] = {}
    with path.open("rb") as handle:
        head = handle.read(4)
        if len(head) < 4:
            raise Ct2HeaderError("file is empty or too short")
        (version,) = struct.unpack("<I", head)
        if not 1 <= version <= 10:
            raise Ct2HeaderError(f"unknown binary version {version}: not a CTranslate2 model")
        spec_name = _read_string(handle) if version >= 2 else ""
        revision = struct.unpack("<I", handle.read(4))[0] if version >= 2 else 1
        (count,) = struct.unpack("<I", handle.read(4))
        for _ in range(count):
            name = _read_string(handle)
            (rank,) = struct.unpack("<B", handle.read(1))
            dims = struct.unpack(f"<{rank}I", handle.read(4 * rank)) if rank else ()
            if version >= 4:
                (dtype,) = struct.unpack("<B", handle.read(1))
                (num_bytes,) = struct.unpack("<I", handle.read(4))
            else:
                (item,) = struct.unpack("<B", handle.read(1))
                dtype = {4: 0, 1: 1, 2: 2}.get(item, 0)
                num_bytes = item * _prod(dims)
            end = handle.tell() + num_bytes
            if end > size:
                raise Ct2HeaderError(
                    f"truncated: variable {name} needs {num_bytes} bytes but the file ends "
                    f"{size - handle.tell()} bytes later"
                )
            handle.seek(end)
            shapes[name] = tuple(dims)
            dtypes[name] = dtype
    return Ct2Header(version, spec_name, revision, shapes, dtypes)


def _prod(dims) -> int:
    total = 1
    for dim in dims:
        total *= dim
    return total
