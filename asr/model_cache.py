"""A cache of generated model folders (random-weight models for tests and benchmarks), built atomically."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["default_cache_dir", "cached_build"]

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """Where built models are cached: ``$TINGJI_MODEL_CACHE`` or ``~/.cache/tingji/random-models``."""
    env = os.environ.get("TINGJI_MODEL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "tingji" / "random-models"


def cached_build(name: str, marker: str, build: Callable[[Path], object], cache_dir=None) -> Path:
    """Return ``<cache>/<name>``, building it first with ``build(folder)`` when ``marker`` is not there yet.

    The folder is built in a staging folder and moved into place in one step, so an interrupted build or two
    processes building at once never leave a half-written model behind.

    Args:
        name: Folder name (include a builder version so that changes rebuild).
        marker: A file whose presence means the folder is complete.
        build: Writes the model into the folder it is given.
        cache_dir: Cache root (default :func:`default_cache_dir`).
    """
    root = Path(cache_dir) if cache_dir else default_cache_dir()
    final = root / name
    if (final / marker).is_file():
        return final
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        log.info("building %s", final)
        build(staging / "model")
        try:
            os.replace(staging / "model", final)
        except OSError:
            if not (final / marker).is_file():  # another process may have won the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final
