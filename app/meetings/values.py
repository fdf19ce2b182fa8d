"""What a meeting form sends: the values `create_meeting` and `update_meeting` take
(app/meetings/services.py), and the same read back from a meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .models import Meeting, MeetingKind, MeetingStatus, Perspective


@dataclass
class MeetingValues:
    title: str
    kind: MeetingKind
    status: MeetingStatus
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    responsible_id: int
    organisation_ids: list[int]
    contact_ids: list[int] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    place: str = ""
    online_link: str = ""
    agenda: str = ""
    notes: str = ""
    outcome: str = ""
    topics: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    perspectives: dict[Perspective, str] = field(default_factory=dict)

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingValues:
        """The meeting's values as its edit form would send them unchanged (to change some
        and save through `update_meeting`)."""
        return cls(
            title=meeting.title,
            kind=meeting.kind,
            status=meeting.status,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            all_day=meeting.all_day,
            responsible_id=meeting.responsible_id,
            organisation_ids=[o.id for o in meeting.organisations],
            contact_ids=[c.id for c in meeting.contacts],
            team_ids=[u.id for u in meeting.team],
            place=meeting.place,
            online_link=meeting.online_link,
            agenda=meeting.agenda,
            notes=meeting.notes,
            outcome=meeting.outcome,
            topics=[t.name for t in meeting.topics],
            target_groups=[t.name for t in meeting.target_groups],
            perspectives={p.perspective: p.note for p in meeting.perspectives},
        )
