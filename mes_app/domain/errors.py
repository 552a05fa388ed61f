"""Errors the domain and the services raise; the UI maps them to messages.

None of them ever carries user data in its text: exception messages end up in logs,
and logs must not hold health data. A ``ValidationError`` carries a message *key*
(``error.text_too_long``) and parameters the UI translates; ``str()`` is the key only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class NotFound(Exception):
    """The thing does not exist, *or* the actor may not learn that it exists.

    Strangers get this, never ``Forbidden``: a record must not reveal itself.
    """


class Forbidden(Exception):
    """The actor legitimately sees the thing but may not do this action on it."""


class ValidationError(Exception):
    """An argument is invalid.

    ``ValidationError("error.text_too_long", max=2000)`` or
    ``ValidationError("error.text_too_long", {"max": 2000})``.
    ``str(error)`` is the code alone: parameters may echo user input and stay out of it.
    """

    def __init__(self, code: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(code)
        self.code: str = code
        self.params: dict[str, Any] = {**(params or {}), **kwargs}

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"ValidationError({self.code!r})"

    def __reduce__(self):  # noqa: ANN204 - keep params when pickled (e.g. across processes)
        return (self.__class__, (self.code, self.params))
