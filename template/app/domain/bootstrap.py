"""One step that migrates the database and seeds it from the profile."""

from __future__ import annotations

from sqlalchemy import Engine

from app.core.db import create_session_factory
from app.core.migrate import upgrade_database
from app.core.profile import Profile
from app.domain.seed import SeedResult, profile_hash, seed_database, seeded_hash


def init_database(engine: Engine, profile: Profile, *, force: bool = True) -> SeedResult | None:
    """Migrate to the latest schema and upsert reference data.

    With `force=False` seeding is skipped when this exact profile was seeded before; the
    result is then None.
    """
    upgrade_database(engine)
    with create_session_factory(engine)() as session:
        if not force and seeded_hash(session) == profile_hash(profile):
            return None
        return seed_database(session, profile)
