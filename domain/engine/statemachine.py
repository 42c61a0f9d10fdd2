"""One transition table per workflow: status changes go through it, illegal moves are refused."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from domain.errors import IllegalTransition

S = TypeVar("S", bound=StrEnum)


class Transitions(Generic[S]):
    def __init__(self, allowed: Mapping[S, frozenset[S]]) -> None:
        self.allowed = allowed

    def check(self, current: S | str, target: S) -> S:
        """Return ``target`` if ``current → target`` is allowed, else raise IllegalTransition."""
        enum_type = type(target)
        current_status = enum_type(current)
        if target not in self.allowed.get(current_status, frozenset()):
            raise IllegalTransition(
                f"เปลี่ยนสถานะจาก {current_status.value} เป็น {target.value} ไม่ได้",
                current=current_status.value,
                target=target.value,
            )
        return target
