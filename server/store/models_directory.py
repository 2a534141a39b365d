"""The county's service directory (issue 13): service points that editors and supervisors
keep in the console or by CSV import, and that the bot answers "where / when / what number"
questions from (server/services/directory*.py).

- `service_points`: one row per point. `revision` grows with every change, so two people
  saving the same point conflict (the second save names the revision it read). Names and
  opening hours per language (Finnish required); `municipality` is the Finnish name from
  server/services/municipalities.yml; `languages` is a comma-separated subset of fi,sv,en.
- `service_point_changes`: who created, changed, deleted or imported what and when (the
  point's id survives its deletion here).

No resident data: everything here is public service information written by staff.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.store.models import timestamp, utcnow


class ServicePointRow(SQLModel, table=True):
    __tablename__ = "service_points"
    __table_args__ = (sa.Index("ix_service_points_place", "municipality", "type"),)

    id: str = Field(primary_key=True, max_length=32)
    name_fi: str = Field(max_length=200)
    name_sv: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    type: str = Field(max_length=40)
    municipality: str = Field(max_length=60)
    address: str = Field(default="", max_length=200)
    hours_fi: str = Field(default="", max_length=200)
    hours_sv: str = Field(default="", max_length=200)
    hours_en: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    web: str = Field(default="", max_length=300)
    languages: str = Field(default="fi", max_length=12)
    revision: int = 1
    created_at: datetime = timestamp(default_factory=utcnow)
    updated_at: datetime = timestamp(default_factory=utcnow)
    updated_by: str = Field(max_length=64)


class ServicePointChange(SQLModel, table=True):
    __tablename__ = "service_point_changes"
    __table_args__ = (sa.Index("ix_service_point_changes_point", "point_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    point_id: str = Field(max_length=32)  # "*" for a whole import
    action: str = Field(max_length=16)  # create, update, delete, import
    summary: str = Field(max_length=500)
    staff: str = Field(max_length=64)
    at: datetime = timestamp(default_factory=utcnow)
