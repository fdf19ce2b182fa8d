"""Library files: checked by content, stored under the library folder by their SHA-256.

An upload is copied to a temporary file in the library folder while it is hashed and counted
(never whole in memory), refused when it is empty or larger than LIBRARY_MAX_BYTES, and then
checked by what it holds, not by its name: a PDF starts with `%PDF-`; a Word, Excel or
PowerPoint file is a zip with `[Content_Types].xml` and a `word/`, `xl/` or `ppt/` part. A zip
is read only through its directory (`zipfile`) before it is accepted: too many entries, too
much unpacked in all, or one entry or the whole inflating far beyond its packed size (a "zip
bomb") is refused without inflating anything. Files with macros (vbaProject.bin) are refused.

The stored name is the content hash, so the same file uploaded twice is stored once, a
restore can copy files back without asking which is which, and a name can never escape the
folder. Messages are Swedish: they are shown in the upload form.
"""

from __future__ import annotations

import hashlib
import os
import re
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from app.common.exceptions import DomainError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
#: Content type → the file name extension it is saved with.
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx"}
#: An OOXML package's main part folder → its content type.
OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
#: A package may unpack to at most this much in all, with at most this many entries …
MAX_UNPACKED = 250 * 1024 * 1024
MAX_ENTRIES = 5000
#: … and neither the whole nor any large entry may inflate more than this many times.
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024

HASH_NAME = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


class RefusedFile(DomainError):
    """The upload cannot be stored; the message says why."""


@dataclass(frozen=True)
class StoredFile:
    """A checked file in the library folder."""

    file_hash: str
    filename: str
    content_type: str
    size: int


def library_dir() -> Path:
    """The folder the files live in (LIBRARY_DIR, default `library` in the instance folder),
    created on first use."""
    configured = current_app.config.get("LIBRARY_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "library"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def max_bytes() -> int:
    return int(current_app.config.get("LIBRARY_MAX_BYTES") or DEFAULT_MAX_BYTES)


def path_for(file_hash: str) -> Path:
    """Where the file with this hash is kept; a value that is not a hash is refused."""
    if not HASH_NAME.match(file_hash):
        raise ValueError("not a content hash")
    return library_dir() / file_hash[:2] / file_hash


def check_zip(archive: zipfile.ZipFile, packed_size: int) -> str:
    """The OOXML content type of `archive`, or RefusedFile. Reads the directory only."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise RefusedFile(_("Filen innehåller för många delar för att vara ett dokument."))
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(packed_size, 1):
        raise RefusedFile(_("Filen packas upp till orimligt mycket och tas inte emot."))
    for entry in entries:
        if entry.file_size >= RATIO_CHECKED_FROM and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise RefusedFile(_("Filen packas upp till orimligt mycket och tas inte emot."))
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise RefusedFile(_("Filen är inte en PDF, ett Word-, Excel- eller PowerPoint-dokument."))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise RefusedFile(
            _("Dokument med makron tas inte emot. Spara utan makron och försök igen.")
        )
    for folder, content_type in OOXML_PARTS.items():
        if any(name.startswith(folder) for name in names):
            return content_type
    raise RefusedFile(_("Filen är inte en PDF, ett Word-, Excel- eller PowerPoint-dokument."))


def detect_type(path: Path) -> str:
    """The content type of the file at `path` by its content, or RefusedFile."""
    with path.open("rb") as file:
        head = file.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return check_zip(archive, path.stat().st_size)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
            raise RefusedFile(_("Filen är skadad eller inte ett dokument.")) from None
    raise RefusedFile(_("Filen är inte en PDF, ett Word-, Excel- eller PowerPoint-dokument."))


def safe_filename(filename: str, content_type: str) -> str:
    """The original name without folders or control characters, with the extension its
    content calls for ("rapport.PDF" stays, "bild.pdf" holding a Word file becomes
    "bild.docx")."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = name.strip().strip(".") or "fil"
    stem, dot, extension = name.rpartition(".")
    wanted = EXTENSIONS[content_type]
    if not dot or f".{extension.lower()}" != wanted:
        name = f"{name if not dot else stem}{wanted}"
    return name[-200:]


def store_upload(stream: IO[bytes], filename: str) -> StoredFile:
    """Check and store an uploaded file; returns what was stored, or raises RefusedFile.

    The bytes are read in chunks into a temporary file beside the store, counted and hashed;
    the file is moved to its hash's place only once every check has passed.
    """
    folder = library_dir()
    limit = max_bytes()
    digest = hashlib.sha256()
    size = 0
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise RefusedFile(
                        _(
                            "Filen är för stor. Största tillåtna storlek är %(mb)s MB.",
                            mb=limit // (1024 * 1024) or 1,
                        )
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise RefusedFile(_("Filen är tom."))
        content_type = detect_type(Path(temporary))
        file_hash = digest.hexdigest()
        target = path_for(file_hash)
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(temporary)
        else:
            os.chmod(temporary, 0o640)
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(file_hash, safe_filename(filename, content_type), content_type, size)


def stored_hashes() -> Iterator[str]:
    """The hashes of every file in the store (for the backup)."""
    folder = library_dir()
    for path in sorted(folder.glob("??/*")):
        if path.is_file() and HASH_NAME.match(path.name) and path.parent.name == path.name[:2]:
            yield path.name


def copy_into_store(source: IO[bytes], file_hash: str) -> bool:
    """Put a file read from a backup into the store, unless it is there already; its hash is
    checked, so a damaged backup never stores wrong bytes under a name. True if copied."""
    target = path_for(file_hash)
    if target.exists():
        return False
    target.parent.mkdir(exist_ok=True)
    digest = hashlib.sha256()
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != file_hash:
            raise ValueError(f"the library file {file_hash} in the backup is damaged")
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


# --- backup ------------------------------------------------------------------------------------


def archive_path(backup: Path) -> Path:
    """The library archive that goes with a database backup: `<backup>.library.tar`."""
    return backup.with_name(f"{backup.name}.library.tar")


def archive_files(target: Path) -> int:
    """Write every stored file into the tar archive `target` (owner-only), named by hash.
    Returns the number of files. Written beside and renamed into place when complete."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    count = 0
    try:
        with tarfile.open(partial, "w") as archive:
            for file_hash in stored_hashes():
                archive.add(path_for(file_hash), arcname=file_hash, recursive=False)
                count += 1
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return count


def restore_files(source: Path) -> int:
    """Copy the files of a library archive into the store (those it lacks); every member
    must be a regular file named by a content hash, and its bytes must have that hash.
    Returns the number of files copied."""
    copied = 0
    with tarfile.open(source, "r") as archive:
        for member in archive:
            if not member.isfile() or not HASH_NAME.match(member.name):
                raise ValueError(f"{source} holds {member.name!r}, which is no library file")
            extracted = archive.extractfile(member)
            if extracted is None:  # pragma: no cover - isfile() members always have data
                continue
            with extracted:
                copied += copy_into_store(extracted, member.name)
    return copied
