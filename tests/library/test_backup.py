"""Backup and restore keep the library's files: the archive beside the database copy brings
them back, byte for byte, into an empty library folder."""

from __future__ import annotations

import io
import shutil
import tarfile
from datetime import date

import pytest
from flask_migrate import stamp
from sqlalchemy import delete, select

from app.extensions import db
from app.library import facts, files, services
from app.library.models import Channel, InformationFact, MaterialKind, MaterialVersion
from tests.factories import make_organisation

from .conftest import PDF_BYTES, ooxml


@pytest.fixture
def stamped(app):
    with app.app_context():
        stamp()
        db.session.commit()
    return app


def test_backup_and_restore_bring_the_files_back(stamped, tmp_path):
    app = stamped
    docx = ooxml()
    with app.app_context():
        material = services.create_material(
            values=services.MaterialValues(kind=MaterialKind.GUIDANCE, title="Vägledning"),
            by=None,
        )
        for data, name in ((PDF_BYTES, "v1.pdf"), (docx, "v2.docx")):
            services.add_version(
                material, stored=files.store_upload(io.BytesIO(data), name), by=None
            )
        db.session.commit()
        folder = files.library_dir()
    runner = app.test_cli_runner()
    backup = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert "library files: 2 in" in result.output
    shutil.rmtree(folder)  # the files are lost
    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    assert "library files: 2 copied back" in result.output
    with app.app_context():
        versions = db.session.scalars(select(MaterialVersion).order_by(MaterialVersion.number))
        assert [files.path_for(v.file_hash).read_bytes() for v in versions] == [PDF_BYTES, docx]


def test_an_archive_with_a_foreign_member_is_refused(ctx, tmp_path):
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as archive:
        info = tarfile.TarInfo("../../etc/passwd")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(ValueError, match="no library file"):
        files.restore_files(bad)


def test_an_archive_with_wrong_bytes_under_a_hash_is_refused(ctx, tmp_path):
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as archive:
        info = tarfile.TarInfo("0" * 64)
        info.size = 3
        archive.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(ValueError, match="damaged"):
        files.restore_files(bad)
    assert list(files.stored_hashes()) == []


def information_facts() -> list[tuple]:
    return sorted(
        db.session.execute(
            select(
                InformationFact.version_id,
                InformationFact.organisation_id,
                InformationFact.day,
                InformationFact.channel,
                InformationFact.deliveries,
            )
        ).all()
    )


def test_restore_rebuilds_the_information_facts(stamped, tmp_path):
    """A backup whose coverage facts are missing (older, or written around the session) comes
    back with them computed from its deliveries: kept == rebuilt, and not empty."""
    app = stamped
    with app.app_context():
        material = services.create_material(
            values=services.MaterialValues(kind=MaterialKind.GUIDANCE, title="Vägledning"),
            by=None,
        )
        version = services.add_version(material, link="https://example.se/v1", by=None)
        kommuner = [make_organisation(name=f"Kommun {n}").id for n in range(3)]
        services.record_deliveries(
            version,
            channel=Channel.BY_HAND,
            delivered_on=date(2026, 12, 2),
            organisation_ids=kommuner,
            contact_ids=[],
            by=None,
        )
        db.session.commit()
        expected = information_facts()
        assert len(expected) == 3
        db.session.execute(delete(InformationFact))  # as a bulk write would leave them
        db.session.commit()
    runner = app.test_cli_runner()
    backup = tmp_path / "backup.db"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        kept = information_facts()
        facts.rebuild_facts()
        assert kept == information_facts() == expected
