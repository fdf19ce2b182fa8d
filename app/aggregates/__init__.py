"""Maintained figures: what the reports and the start page read instead of re-aggregating
every meeting ever held.

Every figure that summarises history (Möte hållet per organisation and period, held meetings
per meeting kind, organisation kind, county, topic, target group and perspective, and per
top-level organisation its held meetings, first and last) is kept in a few tables, updated in
the same transaction as the write that changes them:

- `meeting_facts`: one row per held meeting (outside the trash) and thing it counts for:
  ("root", "17") for the top-level organisation it was held with (directly or through a
  unit), ("kind", "digitalt"), ("county", "12"), ("orgkind", "kommun"), ("topic", "4"),
  ("target", "2"), ("perspective", "barnratt"), with the meeting's start, Stockholm day and
  month. The rows a meeting contributes are computed by one statement (`facts.py`), for some
  meetings or for all: the same code rebuilds and maintains.
- `tallies`: per Stockholm month, dimension and key, how many held meetings (the sum of the
  facts). A period of whole months reads one row per month and key; the days of a period that
  do not fill a month are read from `day_tallies`, the same per Stockholm day.
- `met_months`: per Stockholm month, the top-level organisations of its ROOT tallies as a
  bitmap (app/common/bitmaps.py): spans that are each one whole month count the
  organisations met per kind from it (a row a month) instead of from the tallies.
- `root_figures`: per top-level organisation, its held meetings, first and last (from its
  facts, by index).

`hooks.py` watches the session: a flush that writes a meeting (its status, time, trash,
organisations, topics, target groups, perspectives) or an organisation (parent, kind, county,
trash) notes the meetings concerned; before the transaction commits, their facts are
replaced, the difference is added to the tallies, and the touched organisations' figures are
recomputed. `flask aggregates rebuild` (run by `flask demo` and `flask restore`, which write
around the session) computes everything from scratch; a property test checks that the two
agree after any sequence of writes.
"""
