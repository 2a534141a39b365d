"""The shared lists, defined once: service languages, staff roles and chat outcomes.

The server imports them from here; the tests check that the bot (a leaf that never imports
`server`), the console and the widget JavaScript carry the same lists
(tests/test_shared_lists.py).
"""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["fi", "sv", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)

Role = Literal["staff", "supervisor", "editor", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
# Roles that may open the staff socket and take chats.
CHAT_ROLES: tuple[Role, ...] = ("staff", "supervisor")

# How a chat handled by staff ended (the close dialog's tags; statistics).
Outcome = Literal[
    "solved_first_contact", "referred", "needs_identification", "no_answer_from_resident", "other"
]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)


def one_of(values: tuple[str, ...]) -> str:
    """'fi, sv, en' — for messages that list the allowed values."""
    return ", ".join(values)
