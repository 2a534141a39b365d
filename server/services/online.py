"""This process's resident sockets, by chat (kept in the service context)."""

from __future__ import annotations

from collections import Counter


class ResidentsOnline:
    """Resident sockets open in this process, by chat (a chat may be open in several tabs)."""

    def __init__(self) -> None:
        self._open: Counter[str] = Counter()

    def add(self, chat_id: str) -> None:
        self._open[chat_id] += 1

    def remove(self, chat_id: str) -> bool:
        """Forget one socket; True when it was the last one of the chat here."""
        self._open[chat_id] -= 1
        if self._open[chat_id] <= 0:
            del self._open[chat_id]
            return True
        return False

    def chat_ids(self) -> list[str]:
        return list(self._open)


class RecentCount:
    """A count kept for a moment (e.g. staff answering now, read on every bot turn): one
    lookup a second per process instead of one per resident message."""

    def __init__(self, max_age_s: float = 1.0) -> None:
        self.max_age_s = max_age_s
        self.value: int | None = None
        self.read_at = 0.0
