"""The themes a new team starts with: the opportunities and challenges municipalities name
most often when they talk about voluntary return (the examples of issue 20, and what the
terms of reference list). The team renames, adds and retires from there."""

from __future__ import annotations

from .models import ThemeSide

#: (name, the side it usually is on, what it covers)
SEED_THEMES: tuple[tuple[str, ThemeSide | None, str], ...] = (
    (
        "Kunskap hos handläggare",
        ThemeSide.CHALLENGE,
        "Handläggarnas kännedom om återvandringsbidraget och om hur ett ärende går till.",
    ),
    (
        "Tolk",
        ThemeSide.CHALLENGE,
        "Tillgång till tolk, också på mindre språk, i samtal om återvandring.",
    ),
    (
        "Samverkan med Migrationsverket",
        None,
        "Hur kommunen och Migrationsverket når varandra, lämnar över och följer upp ärenden.",
    ),
    (
        "Information på flera språk",
        ThemeSide.OPPORTUNITY,
        "Material och webbinformation på de språk kommunens invånare talar.",
    ),
    (
        "Ansvarsfördelning inom kommunen",
        ThemeSide.CHALLENGE,
        "Vilken förvaltning som äger frågan: socialtjänst, integration, arbetsmarknad.",
    ),
    (
        "Civilsamhällets roll",
        ThemeSide.OPPORTUNITY,
        "Föreningar, trossamfund och diasporaorganisationer som når målgruppen.",
    ),
    (
        "Förtroende hos målgruppen",
        ThemeSide.CHALLENGE,
        "Oro för att frågan uppfattas som påtryckning; hur förtroende byggs.",
    ),
    (
        "Barnrättsperspektivet",
        None,
        "Barnens bästa och barnens röst när en familj överväger att återvandra.",
    ),
    (
        "Återvandringsbidraget",
        ThemeSide.OPPORTUNITY,
        "Det höjda bidraget (från 1 januari 2026) som skäl att ta upp frågan.",
    ),
    (
        "Resurser och tid",
        ThemeSide.CHALLENGE,
        "Personal och tid att arbeta med frågan vid sidan av annat.",
    ),
    (
        "Goda exempel från andra kommuner",
        ThemeSide.OPPORTUNITY,
        "Arbetssätt som fungerat i en annan kommun och kan tas efter.",
    ),
)
