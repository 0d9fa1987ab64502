"""SQLAlchemy models; importing this package registers every table on `Base.metadata`."""

from app.models.account import ApiKey, Citizen, Officer, OfficerRole
from app.models.audit import AdminEvent
from app.models.base import Base, utcnow
from app.models.catalogue import Agency, Service, ServiceGroup
from app.models.content import AppMeta, Commodity, CommodityPrice, Integration, NewsItem
from app.models.limits import RateLimitCounter
from app.models.outbox import (
    Channel,
    OutboxMessage,
    OutboxState,
    PushSubscription,
    WorkerLease,
)
from app.models.region import Region, RegionSearchKey
from app.models.report import (
    Report,
    ReportEvidence,
    ReportForward,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ReportTransition,
)

__all__ = [
    "AdminEvent",
    "Agency",
    "ApiKey",
    "AppMeta",
    "Base",
    "Channel",
    "Citizen",
    "Commodity",
    "CommodityPrice",
    "Integration",
    "NewsItem",
    "Officer",
    "OfficerRole",
    "OutboxMessage",
    "OutboxState",
    "PushSubscription",
    "RateLimitCounter",
    "Region",
    "RegionSearchKey",
    "Report",
    "ReportEvidence",
    "ReportForward",
    "ReportPhoto",
    "ReportSource",
    "ReportStatus",
    "ReportTransition",
    "Service",
    "ServiceGroup",
    "WorkerLease",
    "utcnow",
]
