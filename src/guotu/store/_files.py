"""Crash-safe publication of backup files: sync, link into place without replacing, sync the directory."""

from __future__ import annotations

import os
from pathlib import Path

from guotu.errors import ConflictError

__all__ = ["publish"]


def publish(partial: Path, target: Path) -> None:
    """Sync ``partial`` and give it the name ``target``, refusing an existing ``target``.

    The file's bytes reach the disk before its name does (R-37), and a hard link
    (where the filesystem has them) cannot replace a file that appeared meanwhile.

    Raises
    ------
    ConflictError
        ``store.backup_exists``.
    OSError
        When the filesystem refuses.
    """
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    try:
        os.link(partial, target)
    except FileExistsError:
        raise ConflictError("store.backup_exists", path=str(target)) from None
    except OSError:  # filesystems without hard links
        if target.exists():
            raise ConflictError("store.backup_exists", path=str(target)) from None
        os.replace(partial, target)
    directory = os.open(target.parent if str(target.parent) else ".", os.O_RDONLY)
    try:
        os.fsync(directory)
    except OSError:  # some filesystems refuse to sync a directory
        pass
    finally:
        os.close(directory)
