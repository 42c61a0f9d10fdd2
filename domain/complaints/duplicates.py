"""Possible duplicates: open complaints of the same category nearby."""

import math
from dataclasses import dataclass

from sqlmodel import Session, col, select

from domain.complaints.policy import ComplaintPolicy, complaint_policy
from models.complaint import (
    OPEN_STATUSES,
    Complaint,
)


@dataclass(frozen=True)
class DuplicateCandidate:
    complaint: Complaint
    distance_m: float


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(1.0, a)))


def find_duplicates(
    session: Session, *, complaint: Complaint, policy: ComplaintPolicy | None = None
) -> list[DuplicateCandidate]:
    """Open complaints of the same category within the radius, nearest first."""
    policy = policy or complaint_policy()
    if complaint.latitude is None or complaint.longitude is None:
        return []
    radius = policy.duplicate_radius_metres
    dlat = radius / 111_000 + 1e-6
    dlon = dlat / max(0.01, math.cos(math.radians(complaint.latitude)))
    rows = session.exec(
        select(Complaint).where(
            Complaint.category_code == complaint.category_code,
            col(Complaint.status).in_([s.value for s in OPEN_STATUSES]),
            Complaint.id != complaint.id,
            col(Complaint.latitude).between(complaint.latitude - dlat, complaint.latitude + dlat),
            col(Complaint.longitude).between(
                complaint.longitude - dlon, complaint.longitude + dlon
            ),
        )
    )
    found = []
    for other in rows:
        assert other.latitude is not None and other.longitude is not None
        d = haversine_m(complaint.latitude, complaint.longitude, other.latitude, other.longitude)
        if d <= radius:
            found.append(DuplicateCandidate(other, round(d, 1)))
    return sorted(found, key=lambda c: (c.distance_m, c.complaint.id or 0))
