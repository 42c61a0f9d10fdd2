"""Domain errors; only api/ turns them into HTTP codes. Messages are Thai: officers read them."""


class DomainError(Exception):
    """Base: a rule of the municipality refused the request."""

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFound(DomainError):
    pass


class NotEntitled(DomainError):
    """The user may not decide or see this (403)."""


class Conflict(DomainError):
    """Someone else already decided differently, or the case has moved on (409)."""


class InvalidInput(DomainError):
    """A form or request broke a rule that the schema alone cannot express (422)."""


class TooManyRequests(DomainError):
    """Too many tries: wait ``retry_after`` seconds before the next one (429, Retry-After)."""

    def __init__(self, message: str, *, retry_after: int, **detail: object) -> None:
        super().__init__(message, retry_after=retry_after, **detail)
        self.retry_after = retry_after


class IllegalTransition(Conflict):
    """A status change the workflow's transition table does not allow."""
