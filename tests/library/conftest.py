"""Library fixtures: small valid and invalid files made in memory."""

from __future__ import annotations

import io
import zipfile

import pytest

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def ooxml(part: str = "word/document.xml", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OOXML package with `part` as its main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document>Hej</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A docx-looking package whose one entry inflates 200 MB of zeros from a few hundred kB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(200):
                entry.write(block)
    return buffer.getvalue()


@pytest.fixture
def coordinator_user(seeded):
    from app.auth.models import Role
    from app.extensions import db

    from ..factories import make_user

    with seeded.app_context():
        user = make_user(role=Role.COORDINATOR)
        db.session.commit()
        return user.id


@pytest.fixture
def app_config(app_config, tmp_path):
    """Each test its own library folder."""
    return {**app_config, "LIBRARY_DIR": str(tmp_path / "library")}
