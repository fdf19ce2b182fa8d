"""Contact import: reading files, guessing columns, planning rows, committing all or
nothing, reverting, and the pages from upload to revert."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.contacts import import_commit, import_revert, importer
from app.contacts.import_files import (
    UNDECIDED,
    UnreadableFile,
    encoding_samples,
    read_table,
    recode,
)
from app.contacts.models import Contact, ImportBatch
from app.contacts.services import ContactValues, create_contact, role_record, update_contact
from app.extensions import db
from app.organisations.models import Organisation

from ..pages import preview_tabs

HEADER = ["Förnamn", "Efternamn", "E-post", "Telefon", "Kommunkod", "Titel"]
ROWS = [
    ["Åsa", "Öberg", "asa@malmo.se", "070-123 45 67", "1280", "Socialsekreterare"],
    ["Per", "Ek", "per@orebro.se", "019-21 10 00", "1880", "Enhetschef"],
]


def as_csv(rows, *, separator=";", encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def as_xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes, filename="kontakter.csv", **limits):
    return read_table(
        data,
        filename=filename,
        max_bytes=limits.get("max_bytes", 5_000_000),
        max_rows=limits.get("max_rows", 10_000),
    )


class TestReading:
    @pytest.mark.parametrize(
        ("data", "encoding", "separator"),
        [
            (as_csv([HEADER, *ROWS], bom=True), "utf-8-sig", ";"),
            (as_csv([HEADER, *ROWS], separator=","), "utf-8", ","),
            (as_csv([HEADER, *ROWS], separator="\t"), "utf-8", "\t"),
        ],
        ids=["utf8-bom-semicolon", "utf8-comma", "tab"],
    )
    def test_every_encoding_and_separator_reads_the_same(self, data, encoding, separator):
        table = read(data)
        assert (table.header, table.rows) == (HEADER, ROWS)
        assert (table.encoding, table.separator) == (encoding, separator)

    def test_a_file_that_is_not_utf8_waits_for_its_encoding(self):
        """Windows-1252 bytes are not guessed: the table is UNDECIDED, keeps every byte, and
        reads right in the encoding chosen, while the samples show how each choice reads."""
        rows = [["Ort", "Namn"], ["Västerås", "Åsa Öberg – chef"]]
        table = read(as_csv(rows, encoding="cp1252"))
        assert (table.encoding, table.separator) == (UNDECIDED, ";")
        assert recode([table.header, *table.rows], "cp1252") == rows
        samples = encoding_samples([table.header, *table.rows])
        assert samples[0] == {
            "cp1252": "Västerås",
            "iso-8859-1": "Västerås",
            "utf-8": "V\ufffdster\ufffds",
        }
        assert samples[1]["cp1252"] == "Åsa Öberg – chef"
        assert samples[1]["iso-8859-1"] == "Åsa Öberg \x96 chef"  # no dash in Latin-1

    def test_xlsx_with_numbers_and_dates(self):
        table = read(
            as_xlsx(
                [[*HEADER, "Från"], ["Åsa", "Öberg", None, None, 114, "Chef", date(2025, 9, 1)]]
            ),
            "k.xlsx",
        )
        assert table.rows == [["Åsa", "Öberg", "", "", "114", "Chef", "2025-09-01"]]

    def test_quoted_separators_stay_in_the_cell(self):
        table = read(b'Namn;Anteckningar\r\n"Berg, Anna";"a; b"\r\n')
        assert table.rows == [["Berg, Anna", "a; b"]]

    @pytest.mark.parametrize(
        ("data", "filename", "message"),
        [
            (b"", "x.csv", "Filen är tom."),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "bild.csv", "inte vara en textfil"),
            (b"PK\x03\x04garbage", "x.xlsx", "Excel-filen kunde inte öppnas"),
            (b"\xd0\xcf\x11\xe0", "gammal.xls", "Gamla Excel-filer"),
            ("Förnamn;Efternamn\r\n".encode(), "x.csv", "inga rader"),
            (b"\r\n\r\n", "x.csv", "tom eller saknar rubrikrad"),
        ],
    )
    def test_unusable_files_say_why(self, app, data, filename, message):
        with app.test_request_context(), pytest.raises(UnreadableFile, match=message):
            read(data, filename)

    def test_limits(self, app):
        with app.test_request_context():
            with pytest.raises(UnreadableFile, match="för stor"):
                read(as_csv([HEADER, *ROWS]), max_bytes=10)
            with pytest.raises(UnreadableFile, match="fler än 1 rad\\."):
                read(as_csv([HEADER, *ROWS]), max_rows=1)


class TestMapping:
    def test_swedish_headers(self):
        assert importer.guess_mapping(HEADER) == {
            "first_name": 0,
            "last_name": 1,
            "email": 2,
            "phone": 3,
            "municipality_code": 4,
            "title": 5,
        }

    def test_english_headers_and_a_single_name_column(self):
        mapping = importer.guess_mapping(
            ["Name", "E-mail address", "Mobile phone", "Organization", "Job title", "Notes"]
        )
        assert mapping == {
            "full_name": 0,
            "email": 1,
            "phone": 2,
            "organisation": 3,
            "title": 4,
            "notes": 5,
        }

    def test_each_column_used_once(self):
        mapping = importer.guess_mapping(["Namn", "Kommun", "Kommunkod", "Org.nr"])
        assert mapping == {
            "full_name": 0,
            "organisation": 1,
            "municipality_code": 2,
            "org_number": 3,
        }


@pytest.fixture
def registry(seeded):
    with seeded.app_context():
        yield seeded


def plan(rows, header=HEADER):
    return importer.plan_import(rows, importer.guess_mapping(header))


def by_number(result):
    return {row.number: row for row in result.rows}


class TestPlanning:
    def test_each_bad_row_is_named_with_its_reason(self, registry):
        rows = [
            ROWS[0],
            ["Bo", "Fel", "inte-en-adress", "", "1280", ""],
            ["Cia", "Tel", "", "12", "1280", ""],
            ["Dan", "Okänd", "", "", "9999", ""],
            ["", "", "x@y.se", "", "", ""],
            ["Eva", "Dubblett", "asa@malmo.se", "", "", ""],
            ["", "", "", "", "", ""],
        ]
        result = by_number(plan(rows))
        assert result[2].action == "create"
        assert result[3].action == "error" and "Ange en giltig e-postadress" in result[3].reasons[0]
        assert result[4].action == "error" and "telefonnummer" in result[4].reasons[0]
        assert result[5].action == "error" and result[5].reasons == ["Okänd kommunkod: 9999"]
        assert result[6].action == "error" and "Namn saknas" in result[6].reasons
        assert result[7].action == "error" and result[7].reasons == ["Samma e-postadress som rad 2"]
        assert result[8].action == "skip"
        assert (
            db.session.scalar(select(func.count()).select_from(Contact)) == 0
        )  # planning writes nothing

    def test_organisations_by_code_number_and_name(self, registry):
        header = ["Namn", "Organisation", "Kommunkod", "Organisationsnummer"]
        rows = [
            ["A A", "", "1917", ""],  # Heby's old code
            ["B B", "", "114", ""],  # leading zero lost in Excel
            ["C C", "", "", "2021002163"],
            ["D D", "Malmö", "", ""],
            ["E E", "malmo stad", "", ""],
            ["F F", "Länsstyrelsen i Skåne län", "", ""],
            ["G G", "Ingen sådan", "", ""],
            ["H H", "1880", "", ""],  # a code in the organisation column
            ["I I", "202100-2163", "", ""],  # an organisation number there
        ]
        result = by_number(plan(rows, header))
        names = {o.id: o.name for o in db.session.scalars(select(Organisation))}
        assert names[result[2].organisation_id] == "Heby kommun"
        assert names[result[3].organisation_id] == "Upplands Väsby kommun"
        assert names[result[4].organisation_id] == "Migrationsverket"
        assert names[result[5].organisation_id] == "Malmö kommun"
        assert names[result[6].organisation_id] == "Malmö kommun"
        assert names[result[7].organisation_id] == "Länsstyrelsen i Skåne län"
        assert result[8].reasons == ["Okänd organisation: Ingen sådan"]
        assert names[result[9].organisation_id] == "Örebro kommun"
        assert names[result[10].organisation_id] == "Migrationsverket"

    def test_a_name_as_written_is_matched_before_its_folded_form(self, registry):
        """Håbo (0305) and Habo (0643) are two municipalities that fold to the same "habo":
        the name as written decides; only a name neither is written as stays ambiguous."""
        header = ["Namn", "Organisation"]
        rows = [
            ["A A", "Håbo kommun"],
            ["B B", "Habo kommun"],
            ["C C", "HÅBO"],
            ["D D", "habo  kommun"],
            ["E E", "Hábo kommun"],
        ]
        result = by_number(plan(rows, header))
        codes = {o.id: o.municipality_code for o in db.session.scalars(select(Organisation))}
        assert codes[result[2].organisation_id] == "0305"
        assert codes[result[3].organisation_id] == "0643"
        assert codes[result[4].organisation_id] == "0305"
        assert codes[result[5].organisation_id] == "0643"
        assert result[6].organisation_id is None
        assert "Flera organisationer heter Hábo kommun" in result[6].reasons[0]

    def test_existing_contacts_are_matched_by_email_then_name(self, registry):
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        by_email = create_contact(
            values=ContactValues(first_name="Åsa", last_name="Öberg", emails=["asa@malmo.se"]),
            by=None,
        )
        by_name = create_contact(
            values=ContactValues(first_name="Per", last_name="Ek"),
            organisation=malmo,
            title="Enhetschef",
            by=None,
        )
        db.session.commit()
        # One file would flag the repeated address; each row is planned on its own here.
        nothing_new = plan([["Åsa", "Öberg", "ASA@malmo.se", "", "", ""]]).rows[0]
        assert (nothing_new.action, nothing_new.contact_id) == ("skip", by_email.id)
        more = plan(
            [["Åsa", "Öberg", "asa@malmo.se", "070-123 45 67", "1280", "Socialsekreterare"]]
        ).rows[0]
        assert (more.action, more.contact_id) == ("update", by_email.id)
        assert "ny roll" in more.reasons[0] and "nytt telefonnummer" in more.reasons[0]
        same_name = plan([["Per", "Ek", "", "", "1280", "Enhetschef"]]).rows[0]
        assert (same_name.action, same_name.contact_id) == ("skip", by_name.id)
        new_address = plan([["per", "ek", "per@malmo.se", "", "1280", ""]]).rows[0]
        assert (new_address.action, new_address.contact_id) == ("update", by_name.id)


def start(rows, header=HEADER, filename="kontakter.csv"):
    from app.auth.models import Role, User

    from ..factories import make_user

    user = db.session.scalar(select(User)) or make_user(role=Role.COORDINATOR)
    return import_commit.start_import(filename=filename, header=header, rows=rows, by=user), user


class TestCommitAndRevert:
    def test_commit_creates_updates_and_records_items(self, registry):
        existing = create_contact(
            values=ContactValues(first_name="Åsa", last_name="Öberg", emails=["asa@malmo.se"]),
            by=None,
        )
        db.session.commit()
        batch, user = start(ROWS)
        preview = importer.plan_import(batch.rows, batch.mapping)
        import_commit.commit_import(batch, expected=preview.fingerprint, skip_errors=False, by=user)
        db.session.commit()
        assert batch.status == "committed" and batch.counts == {
            "create": 1,
            "update": 1,
            "skip": 0,
            "error": 0,
        }
        db.session.refresh(existing)
        assert [p.number for p in existing.phones] == ["+46701234567"]
        assert existing.current_affiliations()[0].title == "Socialsekreterare"
        assert {i.action for i in batch.items} == {"created", "updated"}

    def test_errors_block_the_commit_unless_skipped(self, registry):
        batch, user = start([ROWS[0], ["Bo", "Fel", "inte-en-adress", "", "", ""]])
        fingerprint = importer.plan_import(batch.rows, batch.mapping).fingerprint
        with pytest.raises(importer.ImportNotPossible, match="Rätta raderna"):
            import_commit.commit_import(batch, expected=fingerprint, skip_errors=False, by=user)
        import_commit.commit_import(batch, expected=fingerprint, skip_errors=True, by=user)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 1

    def test_a_changed_registry_stops_the_commit(self, registry):
        batch, user = start(ROWS)
        fingerprint = importer.plan_import(batch.rows, batch.mapping).fingerprint
        create_contact(
            values=ContactValues(first_name="Per", last_name="Ek", emails=["per@orebro.se"]),
            by=None,
        )
        with pytest.raises(importer.ImportNotPossible, match="ändrats sedan förhandsgranskningen"):
            import_commit.commit_import(batch, expected=fingerprint, skip_errors=False, by=user)

    def test_all_or_nothing_on_a_failure_mid_file(self, registry, monkeypatch):
        rows = [[f"Person{i}", "Test", f"p{i}@x.se", "", "1280", ""] for i in range(10)]
        batch, user = start(rows)
        db.session.commit()
        fingerprint = importer.plan_import(batch.rows, batch.mapping).fingerprint

        def failing_items(items):
            # Contacts, their addresses, roles and history are written by now.
            assert db.session.scalar(select(func.count()).select_from(Contact)) == 10
            raise RuntimeError("disk full")

        monkeypatch.setattr(import_commit, "_record_items", failing_items)
        with pytest.raises(RuntimeError):
            import_commit.commit_import(batch, expected=fingerprint, skip_errors=False, by=user)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
        assert db.session.get(ImportBatch, batch.id).status == "draft"

    def test_revert_restores_everything(self, registry):
        existing = create_contact(
            values=ContactValues(
                first_name="Åsa", last_name="Öberg", emails=["asa@malmo.se"], tags=["gammal"]
            ),
            by=None,
        )
        db.session.commit()
        batch, user = start([ROWS[0] + ["ny"], ROWS[1]], header=[*HEADER, "Taggar"])
        import_commit.commit_import(
            batch,
            expected=importer.plan_import(batch.rows, batch.mapping).fingerprint,
            skip_errors=False,
            by=user,
        )
        db.session.commit()
        import_revert.revert_import(batch, by=user)
        db.session.commit()
        assert batch.status == "reverted"
        assert [c.last_name for c in db.session.scalars(select(Contact))] == ["Öberg"]
        db.session.refresh(existing)
        assert [t.name for t in existing.tags] == ["gammal"]
        assert existing.phones == [] and existing.affiliations == []

    def test_revert_is_refused_once_a_contact_has_changed(self, registry):
        batch, user = start(ROWS)
        import_commit.commit_import(
            batch,
            expected=importer.plan_import(batch.rows, batch.mapping).fingerprint,
            skip_errors=False,
            by=user,
        )
        db.session.commit()
        per = db.session.scalar(select(Contact).filter_by(last_name="Ek"))
        update_contact(
            per,
            values=ContactValues(first_name="Per", last_name="Ekström", emails=["per@orebro.se"]),
            expected_version=per.version,
            by=user,
        )
        db.session.commit()
        assert import_revert.changed_since(batch) == ["Per Ekström"]
        with pytest.raises(importer.ImportNotPossible, match="Per Ekström"):
            import_revert.revert_import(batch, by=user)

    def test_formulas_are_stored_as_text(self, registry):
        batch, user = start(
            [["=1+1", "+Elak", "", "", "", "@SUM(A1)"]],
            header=["Förnamn", "Efternamn", "E-post", "Telefon", "Kommunkod", "Anteckningar"],
        )
        import_commit.commit_import(
            batch,
            expected=importer.plan_import(batch.rows, batch.mapping).fingerprint,
            skip_errors=False,
            by=user,
        )
        db.session.commit()
        contact = db.session.scalar(select(Contact))
        assert (contact.first_name, contact.last_name, contact.notes) == (
            "=1+1",
            "+Elak",
            "@SUM(A1)",
        )


class TestBulkCommit:
    """The commit writes a file with bulk statements: what it writes must be what
    create_contact and update_contact would, and its statements must not grow with the file."""

    TAGGED = [*HEADER, "Taggar", "Anteckningar"]

    def commit(self, rows, header=None):
        batch, user = start(rows, header=header or self.TAGGED)
        fingerprint = importer.plan_import(batch.rows, batch.mapping).fingerprint
        import_commit.commit_import(batch, expected=fingerprint, skip_errors=False, by=user)
        db.session.commit()
        return batch, user

    def test_created_contacts_are_what_create_contact_makes(self, registry):
        from app.audit.models import AuditEvent
        from app.contacts.services import contact_snapshot

        batch, _user = self.commit(
            [
                ["Åsa", "Öberg", "asa@malmo.se; Asa.O@Malmo.se", "070-123 45 67", "1280", "Chef",
                 "Nätverk, natverk, Referensgrupp", "Träffad på mässa"],
                ["Per", "Ek", "", "", "", "", "", ""],
            ]
        )  # fmt: skip
        contacts = {c.last_name: c for c in db.session.scalars(select(Contact))}
        asa, per = contacts["Öberg"], contacts["Ek"]
        assert [e.address for e in asa.emails] == ["asa@malmo.se", "asa.o@malmo.se"]
        assert [p.number for p in asa.phones] == ["+46701234567"]
        assert [t.name for t in asa.tags] == ["Nätverk", "Referensgrupp"]
        assert asa.notes == "Träffad på mässa" and asa.version == 1
        assert [(a.organisation.name, a.title) for a in asa.affiliations] == [
            ("Malmö kommun", "Chef")
        ]
        malmo_id = asa.affiliations[0].organisation_id
        for contact in (asa, per):
            search_text, sort_name = contact.search_text, contact.sort_name
            contact.index()
            assert (contact.search_text, contact.sort_name) == (search_text, sort_name)
        db.session.rollback()
        events = {
            e.entity_id: e
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import"))
        }
        assert events[asa.id].changes == {
            **{k: [None, v] for k, v in contact_snapshot(asa).items()},
            "affiliation": [None, role_record(malmo_id, "Chef")],
        }
        assert events[per.id].changes == {k: [None, v] for k, v in contact_snapshot(per).items()}
        assert events[asa.id].actor_name == batch.created_by_name
        assert batch.last_event_id == max(e.id for e in events.values())
        assert sorted((i.row_number, i.action, i.contact_id) for i in batch.items) == [
            (2, "created", asa.id),
            (3, "created", per.id),
        ]

    def test_updated_contacts_get_what_the_row_adds(self, registry):
        from app.audit.models import AuditEvent

        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        existing = create_contact(
            values=ContactValues(
                first_name="Åsa", last_name="Öberg", emails=["asa@malmo.se"], tags=["Gammal"],
                notes="Sedan förut",
            ),
            organisation=malmo,
            title="Handläggare",
            by=None,
        )  # fmt: skip
        db.session.commit()
        old_version, old_title = existing.version, existing.affiliations[0].id
        batch, user = self.commit(
            [
                ["Åsa", "Öberg", "asa@malmo.se, ny@malmo.se", "070-123 45 67", "1280",
                 "Enhetschef", "gammal, Ny", "Ny anteckning"],
                ["Per", "Ek", "", "", "1880", "Rådgivare", "Ny", ""],
            ]
        )  # fmt: skip
        assert batch.counts == {"create": 1, "update": 1, "skip": 0, "error": 0}
        db.session.refresh(existing)
        assert existing.version == old_version + 1
        assert [e.address for e in existing.emails] == ["asa@malmo.se", "ny@malmo.se"]
        assert [p.number for p in existing.phones] == ["+46701234567"]
        assert sorted(t.name for t in existing.tags) == ["Gammal", "Ny"]
        assert existing.notes == "Sedan förut\nNy anteckning"
        assert "ny@malmo.se" in existing.search_text
        titles = {a.id: a.title for a in existing.affiliations}
        assert titles[old_title] == "Enhetschef"
        event = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "import", AuditEvent.entity_id == existing.id
            )
        ).one()
        assert event.changes == {
            "emails": [["asa@malmo.se"], ["asa@malmo.se", "ny@malmo.se"]],
            "phones": [[], ["+46701234567"]],
            "tags": [["Gammal"], ["Gammal", "Ny"]],
            "notes": ["Sedan förut", "Sedan förut\nNy anteckning"],
        }
        item = next(i for i in batch.items if i.action == "updated")
        assert item.before["emails"] == ["asa@malmo.se"]
        assert item.before["titles"] == {str(old_title): "Handläggare"}
        import_revert.revert_import(batch, by=user)
        db.session.commit()
        db.session.refresh(existing)
        assert [e.address for e in existing.emails] == ["asa@malmo.se"]
        assert existing.phones == [] and [t.name for t in existing.tags] == ["Gammal"]
        assert [a.title for a in existing.affiliations] == ["Handläggare"]

    def test_an_update_keeps_what_it_does_not_change(self, registry):
        from app.contacts.models import ContactPhone

        existing = create_contact(
            values=ContactValues(first_name="Per", last_name="Ek", emails=["per@orebro.se"]),
            by=None,
        )
        db.session.flush()
        existing.phones = [ContactPhone(number="+46701234567", label="Mobil")]
        db.session.commit()
        rows = [["Per", "Ek", "per@orebro.se", "019-21 10 00", "", "", "", ""]]
        batch, user = self.commit(rows)
        db.session.refresh(existing)
        assert [(p.number, p.label) for p in existing.phones] == [
            ("+46701234567", "Mobil"),
            ("+4619211000", ""),
        ]
        import_revert.revert_import(batch, by=user)
        db.session.commit()
        db.session.refresh(existing)
        assert [(p.number, p.label) for p in existing.phones] == [("+46701234567", "Mobil")]

    def test_a_contact_saved_after_planning_stops_the_commit(self, registry, monkeypatch):
        existing = create_contact(
            values=ContactValues(first_name="Åsa", last_name="Öberg", emails=["asa@malmo.se"]),
            by=None,
        )
        db.session.commit()
        batch, user = start([ROWS[0]])
        fingerprint = importer.plan_import(batch.rows, batch.mapping).fingerprint
        real_plan = import_commit.plan_import

        def plan_then_someone_saves(rows, mapping):
            result = real_plan(rows, mapping)
            update_contact(
                existing,
                values=ContactValues(
                    first_name="Åsa", last_name="Öberg-Ek", emails=["asa@malmo.se"]
                ),
                expected_version=existing.version,
                by=None,
            )
            db.session.flush()
            return result

        monkeypatch.setattr(import_commit, "plan_import", plan_then_someone_saves)
        with pytest.raises(importer.ImportNotPossible, match="ändrats sedan"):
            import_commit.commit_import(batch, expected=fingerprint, skip_errors=False, by=user)

    @staticmethod
    def rows(count: int, run: str) -> list[list[str]]:
        """`count` rows: a quarter of them contacts already in the registry."""
        existing = count // 4
        for i in range(existing):
            create_contact(
                values=ContactValues(
                    first_name=f"Finns{i}", last_name=run, emails=[f"finns{i}.{run}@x.se"]
                ),
                by=None,
            )
        db.session.commit()
        return [
            [f"Finns{i}" if i < existing else f"Ny{i}", run, f"{'finns' if i < existing else 'ny'}"
             f"{i}.{run}@x.se", "070-123 45 67", "1280", "Chef", f"tagg {run}", "Från fil"]
            for i in range(count)
        ]  # fmt: skip

    def test_the_statements_do_not_grow_with_the_file(self, registry, count_statements):
        counts = {}
        for count in (20, 200):
            rows = self.rows(count, run=f"R{count}")
            batch, user = start(rows, header=self.TAGGED)
            db.session.commit()
            fingerprint = importer.plan_import(batch.rows, batch.mapping).fingerprint
            with count_statements() as counter:
                import_commit.commit_import(batch, expected=fingerprint, skip_errors=False, by=user)
                db.session.commit()
            assert batch.counts == {
                "create": count - count // 4, "update": count // 4, "skip": 0, "error": 0
            }  # fmt: skip
            counts[count] = counter.count
        assert counts[200] == counts[20] < 50, counts
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 220


def test_the_whole_flow_with_a_500_row_excel_file(seeded, as_role, app):
    """Upload 500 rows with three bad ones, see them named, skip them, import, revert."""
    client = as_role("coordinator")
    rows = [["Förnamn", "Efternamn", "E-postadress", "Mobil", "Kommun", "Befattning"]]
    for number in range(500):
        rows.append(
            [
                f"Person{number}",
                "Testsson",
                f"person{number}@kommun.se",
                "070-123 45 67",
                "Malmö",
                "Handläggare",
            ]
        )
    rows[101][2] = "trasig@"  # row 102 in the file
    rows[251][3] = "123"  # row 252
    rows[401][4] = "Atlantis"  # row 402
    upload = client.post(
        "/kontakter/import", data={"file": (io.BytesIO(as_xlsx(rows)), "kontakter.xlsx")}
    )
    assert upload.status_code == 302
    mapping_page = client.get(upload.headers["Location"])
    assert '<option selected value="2">E-postadress' in mapping_page.text
    preview_url = upload.headers["Location"].replace("/kolumner", "")
    mapping = {
        "first_name": "0",
        "last_name": "1",
        "email": "2",
        "phone": "3",
        "organisation": "4",
        "title": "5",
    }
    assert client.post(upload.headers["Location"], data=mapping).headers["Location"] == preview_url
    preview = client.get(preview_url).text
    counts = re.findall(r'stat__value">([^<]*)<', preview)
    assert counts == ["497", "0", "0", "3"]
    errors = client.get(preview_url + "?visa=error").text
    assert re.findall(r'import-row--error">\s*<td>(\d+)</td>', errors) == ["102", "252", "402"]
    assert preview_tabs(errors, "/kontakter/import") == [
        ("", False, "Alla"),
        ("error", True, "Fel (3)"),
        ("create", False, "Nya (497)"),
        ("update", False, "Uppdateras (0)"),
        ("skip", False, "Hoppar över (0)"),
    ]
    assert "Okänd organisation: Atlantis" in errors
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]*)"', preview).group(1)
    batch_id = int(preview_url.rsplit("/", 1)[1])
    refused = client.post(
        f"/kontakter/import/{batch_id}/bekrafta", data={"fingerprint": fingerprint}
    )
    assert "Rätta raderna med fel" in client.get(refused.headers["Location"]).text
    done = client.post(
        f"/kontakter/import/{batch_id}/bekrafta",
        data={"fingerprint": fingerprint, "skip_errors": "y"},
    )
    result = client.get(done.headers["Location"]).text
    assert "497 nya kontakter och 0 uppdaterade kontakter" in result
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 497
    # The import's bulk writes keep how each number is shown, as the form does.
    assert "<td>070-123 45 67</td>" in client.get("/kontakter?q=Person42 Testsson").text
    client.post(f"/kontakter/import/{batch_id}/angra")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
    assert "Ångrad" in client.get("/kontakter/import").text


def test_upload_errors_are_shown_on_the_form(seeded, as_role):
    client = as_role("coordinator")
    response = client.post("/kontakter/import", data={"file": (io.BytesIO(b""), "tom.csv")})
    assert response.status_code == 200
    assert "Välj en fil att importera." in response.text or "Filen är tom." in response.text
    binary = client.post(
        "/kontakter/import", data={"file": (io.BytesIO(b"\x00\x01\x02" * 100), "x.csv")}
    )
    assert "inte vara en textfil" in binary.text


def test_readers_cannot_import(seeded, as_role):
    client = as_role("reader")
    assert client.get("/kontakter/import").status_code == 403
    assert (
        client.post(
            "/kontakter/import", data={"file": (io.BytesIO(b"a;b\r\n1;2\r\n"), "x.csv")}
        ).status_code
        == 403
    )


def test_long_submits_are_marked_for_the_busy_script(seeded, as_role, app):
    """The import's buttons and the list exports carry data-busy (what busy.js says while
    the server works), and every page loads the script; without it they work as before."""
    client = as_role("coordinator")
    upload = client.get("/kontakter/import").text
    assert "js/busy.js" in upload
    button = re.search(r"<button[^>]*data-busy=\"([^\"]+)\"[^>]*>Läs in filen</button>", upload)
    assert button and "Filen läses in" in button.group(1)
    response = client.post(
        "/kontakter/import",
        data={"file": (io.BytesIO("Förnamn;Efternamn\r\nAnna;Ek\r\n".encode()), "k.csv")},
    )
    mapping = client.get(response.headers["Location"]).text
    assert re.search(r"<button[^>]*data-busy=\"[^\"]+\"[^>]*>Förhandsgranska</button>", mapping)
    preview = client.post(
        response.headers["Location"], data={"first_name": "0", "last_name": "1"}
    ).headers["Location"]
    assert re.search(
        r"<button[^>]*data-busy=\"Kontakterna importeras[^\"]*\"[^>]*>Importera</button>",
        client.get(preview).text,
    )
    contacts = client.get("/kontakter").text
    exports = re.findall(r'<a href="/kontakter/export\.(?:xlsx|csv)[^"]*" data-busy=', contacts)
    assert len(exports) == 2


def upload_and_preview(client, data: bytes, mapping: dict[str, str], filename="k.csv") -> str:
    """Upload a file, choose the columns, and return the preview's URL."""
    upload = client.post("/kontakter/import", data={"file": (io.BytesIO(data), filename)})
    assert upload.headers["Location"].endswith("/kolumner"), upload.headers["Location"]
    return client.post(upload.headers["Location"], data=mapping).headers["Location"]


def organisation_cells(page: str) -> list[str]:
    return re.findall(r'<td class="import-organisation">([^<]*)</td>', page)


def test_the_preview_names_the_organisation_each_row_matched(seeded, as_role, app):
    """Each row shows the organisation it will be tied to by its display name (a unit with
    its municipality), or that none matched, or that none was given."""
    from app.organisations.services import create_organisation

    with app.app_context():
        malmo = db.session.scalar(select(Organisation).filter_by(municipality_code="1280"))
        create_organisation(
            values={"name": "Familjerätten", "kind": malmo.kind, "parent_id": malmo.id}, by=None
        )
        db.session.commit()
    rows = [
        ["Förnamn", "Efternamn", "Organisation"],
        ["Anna", "Ek", "Håbo kommun"],
        ["Bo", "Ek", "Habo kommun"],
        ["Cia", "Ek", "Familjerätten"],
        ["Dan", "Ek", "Atlantis"],
        ["Eva", "Ek", ""],
    ]
    client = as_role("coordinator")
    preview_url = upload_and_preview(
        client, as_csv(rows), {"first_name": "0", "last_name": "1", "organisation": "2"}
    )
    preview = client.get(preview_url).text
    assert '<th scope="col">Organisation</th>' in preview
    assert organisation_cells(preview) == [
        "Håbo kommun",
        "Habo kommun",
        "Familjerätten, Malmö kommun",
        "Ingen träff",
        "Ingen angiven",
    ]


def test_a_cp1252_file_asks_for_its_encoding_and_then_previews_right(seeded, as_role, app):
    """Not UTF-8: the user is asked (in Swedish, with examples) instead of shown mojibake;
    nothing can be mapped or previewed before; after choosing, the preview is right."""
    rows = [["Förnamn", "Efternamn", "Organisation"], ["Åsa", "Öberg", "Västerås"]]
    client = as_role("coordinator")
    upload = client.post(
        "/kontakter/import",
        data={"file": (io.BytesIO(as_csv(rows, encoding="cp1252")), "kontakter.csv")},
    )
    question_url = upload.headers["Location"]
    assert question_url.endswith("/teckenkodning")
    batch_url = question_url.removesuffix("/teckenkodning")
    # No step can skip the question.
    assert client.get(batch_url + "/kolumner").headers["Location"] == question_url
    assert client.get(batch_url).headers["Location"] == question_url
    question = client.get(question_url).text
    assert "Vilken teckenkodning har filen?" in question
    assert "inte sparad som UTF-8" in question
    for label in ("Windows-1252 (Excel på Windows)", "ISO-8859-1 (Latin-1)", "UTF-8"):
        assert label in question
    assert '<td data-encoding="cp1252">Västerås</td>' in question
    assert '<td data-encoding="utf-8">V\ufffdster\ufffds</td>' in question
    mapping_url = client.post(question_url, data={"encoding": "cp1252"}).headers["Location"]
    assert mapping_url == batch_url + "/kolumner"
    assert client.get(question_url).headers["Location"] == mapping_url  # asked once
    mapping = client.get(mapping_url).text
    assert '<option selected value="0">Förnamn' in mapping  # the header is guessed again
    client.post(mapping_url, data={"first_name": "0", "last_name": "1", "organisation": "2"})
    preview = client.get(batch_url).text
    assert "Åsa Öberg" in preview
    assert organisation_cells(preview) == ["Västerås kommun"]
    assert "Ã" not in preview and "\ufffd" not in preview


def test_an_undecided_file_cannot_be_committed(seeded, as_role, app):
    client = as_role("coordinator")
    upload = client.post(
        "/kontakter/import",
        data={"file": (io.BytesIO("Namn\r\nGöran\r\n".encode("cp1252")), "k.csv")},
    )
    batch_id = int(upload.headers["Location"].split("/")[-2])
    with app.app_context():
        from app.contacts.models import ImportBatch

        batch = db.session.get(ImportBatch, batch_id)
        assert batch.encoding == UNDECIDED
        with pytest.raises(importer.ImportNotPossible, match="teckenkodning"):
            import_commit.commit_import(batch, expected="", skip_errors=True, by=None)
