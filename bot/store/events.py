"""Processed platform events: a retried event (same platform and event id) acts once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.schema import processed_events


class EventLog:
    """Claims (platform, event_id) pairs; the unique constraint makes the claim atomic."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(self, *, platform: str, event_id: str, at: datetime) -> bool:
        """True the first time this event is seen, False for every retry."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    insert(processed_events).values(platform=platform, event_id=event_id, at=at)
                )
        except IntegrityError:
            return False
        return True
