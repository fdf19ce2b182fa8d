"""Where the page cache (common/page_cache.py) keeps rendered pages: in this process's memory,
and in a folder that every worker on the machine shares.

Memory answers fastest but each gunicorn worker has its own, so without the folder every
worker would render each page once for itself (a cold whole-period report is seconds). A page
one worker rendered is therefore also written to `PAGE_CACHE_DIR`, one file per page in a
sub-folder named after the data token it was rendered under, and any worker serves it from
there. Files of older tokens are never served (the token is part of the path) and are
deleted when the first page of a newer token is written, so what a write changed, or an
erasure removed, does not stay on disk for longer than until the next kept page. The folder
is bounded too (`PAGE_CACHE_DISK_BYTES`; the oldest files go first), and a folder that cannot
be written only means pages are kept in memory alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

#: The first byte of a page's file says how to read the rest.
_TEXT_WITH_CSRF, _TEXT, _BYTES = b"c", b"t", b"b"


@dataclass(frozen=True)
class Page:
    """A rendered page (text, perhaps holding the CSRF placeholder) or response body (bytes),
    and the data token it was rendered under."""

    token: str
    body: str | bytes
    has_csrf: bool

    @property
    def size(self) -> int:
        return len(self.body)

    def to_file(self) -> bytes:
        if isinstance(self.body, bytes):
            return _BYTES + self.body
        return (_TEXT_WITH_CSRF if self.has_csrf else _TEXT) + self.body.encode("utf-8")

    @classmethod
    def from_file(cls, token: str, data: bytes) -> Page | None:
        kind, rest = data[:1], data[1:]
        if kind == _BYTES:
            return cls(token, rest, False)
        if kind in (_TEXT, _TEXT_WITH_CSRF):
            return cls(token, rest.decode("utf-8"), kind == _TEXT_WITH_CSRF)
        return None  # a file cut short or not ours: render again


class MemoryStore:
    """A least-recently-used store of rendered pages, bounded by their total size."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple, token: str) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.token != token:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Page) -> None:
        if page.size > self.limit // 4:  # one huge page must not push out everything else
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = page
            self._size += page.size
            while self._size > self.limit:
                self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0

    def _drop(self, key: tuple) -> None:
        self._size -= self._pages.pop(key).size

    def __len__(self) -> int:
        return len(self._pages)


class FolderStore:
    """Pages as files under `root/<token>/`, shared by the processes that use `root`.

    Writes go to a temporary file that is then renamed, so a reader sees a whole page or
    none. Every error of the file system is swallowed: a page not found is rendered again.
    """

    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self.limit = limit
        self._written = 0  # bytes written since the folder's size was last measured
        self._lock = threading.Lock()

    @staticmethod
    def name(key: tuple) -> str:
        return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()

    def get(self, key: tuple, token: str) -> Page | None:
        try:
            data = (self.root / token / self.name(key)).read_bytes()
        except OSError:
            return None
        return Page.from_file(token, data)

    def put(self, key: tuple, page: Page) -> None:
        data = page.to_file()
        if len(data) > self.limit // 4:
            return
        folder = self.root / page.token
        try:
            if not folder.is_dir():
                folder.mkdir(parents=True, exist_ok=True)
                self._drop_other_tokens(page.token)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, folder / self.name(key))
        except OSError:
            return
        with self._lock:
            self._written += len(data)
            measure = self._written > self.limit // 8
            if measure:
                self._written = 0
        if measure:
            self._bound(folder)

    def _drop_other_tokens(self, token: str) -> None:
        for entry in os.scandir(self.root):
            if entry.name != token and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)

    def _bound(self, folder: Path) -> None:
        """Delete the oldest files until the folder holds no more than the limit."""
        try:
            files = [(e.stat().st_mtime, e.stat().st_size, e.path) for e in os.scandir(folder)]
        except OSError:
            return
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.limit:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            total -= size

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class PageStore:
    """Memory first, then the shared folder (if there is one)."""

    def __init__(self, memory: MemoryStore, folder: FolderStore | None) -> None:
        self.memory = memory
        self.folder = folder

    def get(self, key: tuple, token: str) -> Page | None:
        page = self.memory.get(key, token)
        if page is None and self.folder is not None:
            page = self.folder.get(key, token)
            if page is not None:
                self.memory.put(key, page)
        return page

    def put(self, key: tuple, page: Page) -> None:
        self.memory.put(key, page)
        if self.folder is not None:
            self.folder.put(key, page)

    def clear(self) -> None:
        self.memory.clear()
        if self.folder is not None:
            self.folder.clear()


def init_app(app: Flask) -> None:
    """Give the app its store, from PAGE_CACHE_BYTES, PAGE_CACHE_DIR and PAGE_CACHE_DISK_BYTES."""
    directory = app.config.get("PAGE_CACHE_DIR")
    disk = app.config.get("PAGE_CACHE_DISK_BYTES", 0)
    folder = FolderStore(Path(directory), disk) if directory and disk else None
    app.extensions["page_store"] = PageStore(MemoryStore(app.config["PAGE_CACHE_BYTES"]), folder)


def page_store(app: Flask | None = None) -> PageStore:
    return (app or current_app).extensions["page_store"]
