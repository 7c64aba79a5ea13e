"""The shipped catalogs' index kept on disk between processes, the way Python keeps bytecode.

Building the index of the signal catalogs (thousands of phrases in four languages) takes a third of
a second, which every `aiguide ask` and every replica start would pay again. The file's name is a hash
of the catalogs' bytes, the product catalog's ordinary words and the code that builds the index, so an
upgrade or an edited catalog is never read from a stale file. Where the directory cannot be written
(a read-only image), the index is simply built each time.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
_PACKAGE = Path(__file__).parent
# The modules whose code decides what the index holds: a change to any of them is a new cache file.
_CODE = ("phrases.py", "catalog_layer.py", "signals.py", "layer_cache.py")
OFF = "off"

_configured: str | None = None


def configure(directory: str | os.PathLike | None) -> None:
    """Where to keep cache files (`AIGUIDE_CACHE_DIR`); None: the user's cache directory; "off": nowhere."""
    global _configured
    _configured = None if directory is None else str(directory)


def directory() -> Path | None:
    chosen = _configured if _configured is not None else os.environ.get("AIGUIDE_CACHE_DIR") or None
    if chosen == OFF:
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "aiguide"


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in (*parts, *(_PACKAGE.joinpath(name).read_bytes() for name in _CODE), sys.version.encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


def cached(name: str, key: str, build: Callable[[], T], kind: type) -> T:
    """`build()`, or what an earlier process built for the same key; `kind` guards what is read back."""
    folder = directory()
    path = folder / f"{name}-{key}.pickle" if folder else None
    if path is not None and _trusted(folder):
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
            if isinstance(value, kind):
                return value
        except FileNotFoundError:
            pass
        except Exception as error:  # a torn or foreign file is rebuilt, never trusted
            log.warning("cache file %s unreadable (%s); rebuilding it", path, error)
    value = build()
    if path is not None:
        _write(path, value)
    return value


def _trusted(folder: Path) -> bool:
    # Unpickling runs code: read only from a directory that this user owns and nobody else can write.
    try:
        info = folder.stat()
    except FileNotFoundError:
        return True  # nothing there to read yet
    except OSError:
        return False
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owned and not info.st_mode & 0o022


def _write(path: Path, value: object) -> None:
    temporary = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted(path.parent):
            return
        # Written beside and renamed: a replica starting at the same moment never reads half a file.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError as error:
        log.debug("cache file %s not written: %s", path, error)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
