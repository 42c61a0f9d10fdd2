"""Holidays the municipality or the cabinet declares beyond the statutory list."""

from datetime import date

from sqlmodel import Field, SQLModel


class DeclaredHoliday(SQLModel, table=True):
    day: date = Field(primary_key=True)
    name: str = Field(max_length=200)
    source: str | None = Field(default=None, max_length=200, description="e.g. มติ ครม. or order")
