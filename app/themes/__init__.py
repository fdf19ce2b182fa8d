"""Themes: the team's list of named opportunities and challenges ("tolk", "kunskap hos
handläggare", …), and the coded mentions of them by organisations — from meetings (dated by
the meeting) and from questionnaire answers (dated by the submission) — which the lägesbild
counts per theme, county and period. The free text stays where it is; a theme is added to it."""
