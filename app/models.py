"""Imports every domain's models, so Alembic and `flask shell` see the whole schema."""

from app.aggregates.models import (  # noqa: F401
    ActivityFact,
    ActivityTally,
    FollowUpFact,
    MeetingFact,
    RootFigures,
    Tally,
)
from app.audit.models import AuditEvent  # noqa: F401
from app.auth.models import LoginFailure, SavedFilter, User  # noqa: F401
from app.caldav.lock import CaldavSyncLock  # noqa: F401
from app.caldav.models import CaldavObject, CaldavProposal  # noqa: F401
from app.common.heavy_work import HeavySlot  # noqa: F401
from app.contacts.models import (  # noqa: F401
    Affiliation,
    Contact,
    ContactEmail,
    ContactPhone,
    DuplicateDismissal,
    ImportBatch,
    ImportItem,
    Tag,
    contact_tags,
)
from app.digest.models import DigestDelivery  # noqa: F401
from app.followups.models import FollowUp  # noqa: F401
from app.indicators.models import Indicator, IndicatorImport, IndicatorValue  # noqa: F401
from app.library.models import (  # noqa: F401
    Delivery,
    InformationFact,
    Material,
    MaterialPerspective,
    MaterialVersion,
    MeetingReference,
    material_target_groups,
    material_topics,
)
from app.mailings.models import Mailing, MailingOptOut, MailingRecipient  # noqa: F401
from app.meetings.models import (  # noqa: F401
    Meeting,
    MeetingPerspective,
    TargetGroup,
    Topic,
    meeting_contacts,
    meeting_organisations,
    meeting_target_groups,
    meeting_team,
    meeting_topics,
)
from app.milestones.models import PolicyMilestone  # noqa: F401
from app.organisations.models import County, EngagementChange, Organisation  # noqa: F401
from app.plans.models import ContactPlan, ContactPlanItem  # noqa: F401
from app.questionnaires.models import (  # noqa: F401
    Answer,
    Question,
    Questionnaire,
    QuestionnaireLink,
    QuestionnaireRecipient,
    QuestionnaireReminder,
    QuestionnaireResponse,
    QuestionnaireSection,
)
from app.security.models import SecurityEvent  # noqa: F401
from app.themes.models import Theme, ThemeMention  # noqa: F401
