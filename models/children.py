"""At-risk children ("Application Care", seed 002; the 5C model, seed 001): teachers of the
municipal schools, pupils' enrolment and their parents, screening sessions and results, and
the child-care case (medical assessment, home visit, case conference, care plan, follow-up).

People (the child, the parents) are ``screening_person`` rows, schools ``screening_school``:
nobody is entered twice. A child's risk label and case are protected: read through
``domain.children.protection`` (every read logged)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class CaseStatus(StrEnum):
    """Where a child's case is on the Application Care path (transitions:
    domain/children/states.py)."""

    medical_assessment = "medical_assessment"
    home_visit = "home_visit"
    case_conference = "case_conference"
    care_plan = "care_plan"
    follow_up = "follow_up"
    closed = "closed"

    @property
    def thai(self) -> str:
        return CASE_STATUS_TITLES[self]


CASE_STATUS_TITLES = {
    CaseStatus.medical_assessment: "ตรวจประเมินทางการแพทย์ในโรงเรียน",
    CaseStatus.home_visit: "เยี่ยมบ้าน",
    CaseStatus.case_conference: "ประชุมรายกรณี",
    CaseStatus.care_plan: "จัดทำแผนการดูแล",
    CaseStatus.follow_up: "ติดตามผล",
    CaseStatus.closed: "ปิดกรณี",
}


class NoticeChannel(StrEnum):
    """How a parent is reached (parents have no login: notices only)."""

    line = "line"
    email = "email"
    none = "none"

    @property
    def thai(self) -> str:
        return {"line": "LINE", "email": "อีเมล", "none": "ไม่รับแจ้ง"}[self.value]


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    dropped = "dropped"

    @property
    def thai(self) -> str:
        return {"open": "กำลังดำเนินการ", "done": "เสร็จแล้ว", "dropped": "ยกเลิก"}[self.value]


class SchoolTeacher(SQLModel, table=True):
    """A teacher (a user) of a municipal school; ``class_name`` "" = every class of the school
    (e.g. the guidance teacher), else that class only."""

    __tablename__ = "children_teacher"
    __table_args__ = (sa.UniqueConstraint("user_id", "school_id", "class_name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    school_id: int = Field(foreign_key="screening_school.id", index=True)
    class_name: str = Field(default="", max_length=40)


class Pupil(SQLModel, table=True):
    """A child's enrolment in a school for an academic year (Buddhist Era)."""

    __tablename__ = "children_pupil"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "academic_year"),
        sa.Index("ix_children_pupil_class", "school_id", "academic_year", "class_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    school_id: int = Field(foreign_key="screening_school.id")
    academic_year: int = Field(description="Buddhist Era, e.g. 2570")
    grade: str = Field(max_length=20, description="e.g. ป.5, ม.2")
    class_name: str = Field(max_length=40, description="e.g. ป.5/2")
    student_no: str = Field(default="", max_length=20)
    active: bool = True


class Guardian(SQLModel, table=True):
    """A parent or guardian of a child (both ``screening_person``); reached by ``notify_by``
    with the contact on their person record (LINE user id, e-mail)."""

    __tablename__ = "children_guardian"
    __table_args__ = (sa.UniqueConstraint("child_id", "guardian_id"),)

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="screening_person.id", index=True)
    guardian_id: int = Field(foreign_key="screening_person.id")
    relation: str = Field(max_length=40, description="e.g. มารดา, บิดา, ยาย")
    notify_by: NoticeChannel = Field(default=NoticeChannel.line, sa_type=sa.String(8))


class ScreeningSession(SQLModel, table=True):
    """A teacher screening a class with an instrument and form on a day."""

    __tablename__ = "children_screening_session"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="screening_school.id", index=True)
    academic_year: int
    class_name: str = Field(max_length=40)
    instrument: str = Field(max_length=16)
    form: str = Field(max_length=16)
    teacher_id: int = Field(foreign_key="user.id")
    held_on: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ScreeningResult(SQLModel, table=True):
    """One pupil's answers and scores in a session (the risk label is ``band``)."""

    __tablename__ = "children_screening_result"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="children_screening_session.id", index=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    pupil_id: int = Field(foreign_key="children_pupil.id")
    answers: list[int] = Field(sa_type=sa.JSON)
    scales: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON)
    scale_bands: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    total: int
    band: str = Field(max_length=16)
    screened_by_id: int = Field(foreign_key="user.id")
    screened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChildCase(SQLModel, table=True):
    """A child's care case (case type ``child-care``), owned by the core person
    (ผู้รับผิดชอบหลัก, the 5C model). One open case per child at a time."""

    __tablename__ = "children_case"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="screening_person.id", index=True)
    school_id: int | None = Field(default=None, foreign_key="screening_school.id", index=True)
    screening_result_id: int | None = Field(
        default=None, foreign_key="children_screening_result.id"
    )
    band: str = Field(max_length=16, description="The risk label that opened the case")
    status: CaseStatus = Field(default=CaseStatus.medical_assessment, sa_type=sa.String(24))
    core_person_id: int = Field(foreign_key="user.id", index=True)
    opened_by_id: int | None = Field(default=None, foreign_key="user.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    follow_ups_done: int = 0


class CaseEntry(SQLModel, table=True):
    """What was found at a stage (medical assessment, home visit, conference, follow-up,
    closing): protected text kept out of the engine's decisions and audit."""

    __tablename__ = "children_case_entry"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="children_case.id", index=True)
    kind: str = Field(max_length=24)
    step_id: int | None = Field(default=None, foreign_key="humanstep.id")
    findings: str = Field(default="", sa_type=sa.Text)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    author_id: int = Field(foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlanAction(SQLModel, table=True):
    """A named action of a child's care plan, with its owner (a user, or someone outside
    named in ``owner_name``: a parent, an agency) and due date."""

    __tablename__ = "children_plan_action"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="children_case.id", index=True)
    title: str = Field(max_length=300)
    owner_user_id: int | None = Field(default=None, foreign_key="user.id")
    owner_name: str = Field(default="", max_length=200)
    due_on: date
    status: ActionStatus = Field(default=ActionStatus.open, sa_type=sa.String(12))
    note: str = Field(default="", sa_type=sa.Text)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CorePersonOfSchool(SQLModel, table=True):
    """The school's core person (ผู้รับผิดชอบหลัก, the 5C model): the cases its screening
    opens are theirs unless another is named."""

    __tablename__ = "children_school_core_person"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="screening_school.id", unique=True)
    user_id: int = Field(foreign_key="user.id")
