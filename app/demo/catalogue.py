"""The demo library's fixed catalogue: guidance with the days its versions came out,
information material, a good example and research references, with how widely each is
mailed and handed over (demo/library.py scales those shares)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.library.models import MaterialKind


@dataclass(frozen=True)
class Item:
    """One material of the demo catalogue; `versions` are the days its versions came out."""

    kind: MaterialKind
    title: str
    summary: str
    versions: tuple[date, ...] = ()
    language: str = "sv"
    topics: tuple[str, ...] = ()
    authors: str = ""
    year: int | None = None
    publisher: str = ""
    doi: str = ""
    #: Mailed to this share of the municipalities (scaled), per version.
    mailed: float = 0.0
    #: Handed over at this share of the held meetings with a municipality or its unit.
    at_meetings: float = 0.0
    source: str = ""  # a good example's municipality (its name)


GUIDANCE = (
    Item(
        MaterialKind.GUIDANCE,
        "Vägledning för kommuner om återvandringsstöd",
        "Hur kommunen informerar om återvandringsbidraget, vem som gör vad och när "
        "socialtjänsten bör hänvisa till Migrationsverket.",
        versions=(date(2025, 9, 15), date(2026, 2, 2), date(2026, 11, 2)),
        topics=("Vägledningsmaterial", "Information till kommuner", "Socialtjänstens roll"),
        mailed=0.55,
        at_meetings=0.25,
    ),
    Item(
        MaterialKind.GUIDANCE,
        "Stöd till handläggare: samtal om återvandring med familjer",
        "Samtalsstöd för socialsekreterare, med barnrättsperspektivet i varje steg.",
        versions=(date(2026, 1, 19),),
        topics=("Utbildning för handläggare", "Barn i familjer som återvandrar"),
        mailed=0.3,
        at_meetings=0.1,
    ),
    Item(
        MaterialKind.INFORMATION,
        "Informationsblad om återvandringsbidraget",
        "Ett uppslag om bidraget, villkoren och hur man ansöker.",
        versions=(date(2025, 10, 6), date(2026, 4, 13)),
        topics=("Återvandringsbidrag", "Återvandringsbidragets höjning 2026"),
        mailed=0.4,
        at_meetings=0.15,
    ),
    Item(
        MaterialKind.INFORMATION,
        "Information om återvandringsbidraget (arabiska)",
        "Informationsbladet översatt till arabiska.",
        versions=(date(2025, 11, 3),),
        language="ar",
        topics=("Återvandringsbidrag", "Språk och tolkning"),
        mailed=0.15,
    ),
    Item(
        MaterialKind.INFORMATION,
        "Information om återvandringsbidraget (somaliska)",
        "Informationsbladet översatt till somaliska.",
        versions=(date(2025, 11, 3),),
        language="so",
        topics=("Återvandringsbidrag", "Språk och tolkning"),
        mailed=0.1,
    ),
    Item(
        MaterialKind.GOOD_EXAMPLE,
        "Gott exempel: gemensam rutin mellan socialtjänst och Migrationsverket",
        "En kommun som samlade socialtjänst, etableringsenhet och Migrationsverket kring en "
        "rutin för informationssamtal.",
        versions=(date(2026, 3, 2),),
        topics=("Goda exempel", "Kommunala rutiner", "Samverkan med Migrationsverket"),
        at_meetings=0.08,
        source="Kramfors kommun",
    ),
)

RESEARCH = (
    Item(
        MaterialKind.RESEARCH,
        "Återvandring och återintegrering: en kunskapsöversikt",
        "Vad forskningen säger om frivillig återvandring och stödets betydelse.",
        topics=("Forskning och uppföljning",),
        authors="Lindqvist, Maria; Ahmed, Omar",
        year=2023,
        publisher="Delegationen för migrationsstudier",
        doi="10.5555/demo.2023.001",
    ),
    Item(
        MaterialKind.RESEARCH,
        "Children's rights in return migration",
        "A review of how children's rights are considered when families return.",
        language="en",
        topics=("Barn i familjer som återvandrar", "Forskning och uppföljning"),
        authors="Hansson, Eva; Karim, Leila",
        year=2022,
        publisher="Journal of Refugee Studies",
        doi="10.5555/demo.2022.014",
    ),
    Item(
        MaterialKind.RESEARCH,
        "Kommunernas arbete med återvandringsfrågor",
        "Enkätstudie om hur kommunerna organiserar informationen om återvandring.",
        topics=("Information till kommuner", "Kommunala rutiner"),
        authors="Berg, Johan",
        year=2024,
        publisher="Linköpings universitet",
    ),
    Item(
        MaterialKind.RESEARCH,
        "Äldre migranters återvandring: motiv och hinder",
        "Intervjustudie med äldre som övervägt att återvandra.",
        topics=("Målgruppsanalys", "Hälsa och vård vid återvandring"),
        authors="Nyström, Karin; Reza, Dariush",
        year=2021,
        publisher="Malmö universitet",
        doi="10.5555/demo.2021.007",
    ),
    Item(
        MaterialKind.RESEARCH,
        "Return assistance programmes in the Nordic countries",
        "A comparison of return support in Denmark, Norway, Finland and Sweden.",
        language="en",
        topics=("Forskning och uppföljning", "Nationell lägesbild"),
        authors="Olsen, Per; Virtanen, Aino",
        year=2024,
        publisher="Nordic Council of Ministers",
        doi="10.5555/demo.2024.031",
    ),
)
