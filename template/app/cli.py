"""Command line: `python -m app init-db | create-admin | create-api-key | serve | outbox`."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy import select

from app.core.config import get_settings
from app.core.db import create_db_engine, create_session_factory
from app.core.errors import AppError
from app.core.keys import with_secret_key
from app.core.logging import configure_logging
from app.core.profile import get_profile
from app.core.security import hash_secret, new_secret
from app.domain.accounts import create_officer
from app.domain.bootstrap import init_database
from app.domain.storage import create_storage
from app.domain.uploads import reencode_stored
from app.models import ApiKey, OfficerRole, ReportPhoto
from app.schemas.account import OfficerCreate

cli = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@cli.command("outbox")
def outbox(
    once: Annotated[bool, typer.Option(help="Send what is due now, then stop.")] = False,
    interval: Annotated[float | None, typer.Option(help="Seconds between rounds.")] = None,
) -> None:
    """Send the notification outbox (e-mail, web push, forwards) and the overdue digests.

    Any number of these workers may run beside `serve`: each message is claimed by one.
    """
    import time

    from app.outbox.worker import Outbox

    settings = with_secret_key(get_settings())
    configure_logging(settings.log_level, json_output=settings.log_json)
    engine = create_db_engine(settings)
    sessions = create_session_factory(engine)
    worker = Outbox(settings=settings, profile=get_profile())
    try:
        while True:
            with sessions() as session:
                done = worker.run_once(session)
            if once:
                typer.echo(", ".join(f"{name}: {count}" for name, count in done.items()))
                if sum(done.values()) < settings.outbox_batch:
                    return
                continue
            if sum(done.values()) < settings.outbox_batch:
                time.sleep(interval or settings.outbox_interval_seconds)
    except KeyboardInterrupt:
        return
    finally:
        engine.dispose()


@cli.command("init-db")
def init_db(
    force: Annotated[bool, typer.Option(help="Seed even if this profile was seeded.")] = True,
) -> None:
    """Create or migrate the database and upsert regions, catalogue, commodities and apps."""
    engine = create_db_engine(get_settings())
    result = init_database(engine, get_profile(), force=force)
    engine.dispose()
    if result is None:
        typer.echo("Database is up to date; the profile was already seeded.")
        return
    for table in result.inserted:
        typer.echo(
            f"{table}: {result.inserted[table]} inserted, {result.updated[table]} updated, "
            f"{result.deactivated[table]} deactivated"
        )


@cli.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True)],
    full_name: Annotated[str, typer.Option(prompt="Full name")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    region: Annotated[str | None, typer.Option(help="Scope; default: the province.")] = None,
) -> None:
    """Create an admin officer (run `init-db` first)."""
    profile = get_profile()
    try:
        body = OfficerCreate(
            email=email,
            full_name=full_name,
            password=password,
            role=OfficerRole.ADMIN,
            region_code=region or profile.province.code,
        )
    except ValueError as error:
        typer.echo(f"Invalid admin details: {error}", err=True)
        raise typer.Exit(2) from None
    engine = create_db_engine(get_settings())
    with create_session_factory(engine)() as session:
        try:
            officer = create_officer(session, body)
        except AppError as error:
            typer.echo(error.message, err=True)
            raise typer.Exit(1) from None
    engine.dispose()
    typer.echo(f"Admin {officer.email} created (id {officer.id}, scope {officer.region_code}).")


@cli.command("create-api-key")
def create_api_key(name: Annotated[str, typer.Argument(help="Who the key is for.")]) -> None:
    """Issue an Open311 API key; it is printed once and stored only as a hash."""
    key = new_secret(24)
    engine = create_db_engine(get_settings())
    with create_session_factory(engine)() as session:
        session.add(ApiKey(name=name, key_hash=hash_secret(key), prefix=key[:8]))
        session.commit()
    engine.dispose()
    typer.echo(key)


@cli.command("list-api-keys")
def list_api_keys() -> None:
    """Show issued API keys (name, prefix, state)."""
    engine = create_db_engine(get_settings())
    with create_session_factory(engine)() as session:
        for key in session.scalars(select(ApiKey).order_by(ApiKey.id)):
            state = "active" if key.active else "revoked"
            typer.echo(f"{key.id}\t{key.prefix}...\t{state}\t{key.name}")
    engine.dispose()


@cli.command("clean-photos")
def clean_photos() -> None:
    """Re-encode stored photos without metadata (for photos uploaded before this version)."""
    settings = get_settings()
    engine = create_db_engine(settings)
    with create_session_factory(engine)() as session:
        cleaned, failed = reencode_stored(
            session.scalars(select(ReportPhoto).order_by(ReportPhoto.id)),
            create_storage(settings),
            max_pixels=settings.upload_max_pixels,
            max_side=settings.photo_max_side,
        )
        session.commit()
    engine.dispose()
    typer.echo(f"{cleaned} photo(s) re-encoded, {failed} unreadable file(s) removed.")


@cli.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    reload: Annotated[bool, typer.Option(help="Restart on code changes.")] = False,
    workers: Annotated[int, typer.Option()] = 1,
    init: Annotated[
        bool | None,
        typer.Option(help="Run init-db first (default: on SQLite only).", show_default=False),
    ] = None,
) -> None:
    """Start the HTTP server (uvicorn)."""
    import uvicorn

    settings = get_settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    with_secret_key(settings)  # generated once here, before the workers read it
    if init if init is not None else settings.is_sqlite:
        engine = create_db_engine(settings)
        init_database(engine, get_profile(), force=False)
        engine.dispose()
    uvicorn.run(
        "app.main:create_served_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=workers,
        log_config=None,
        # the app logs one line per request itself (app.access), in every worker
        access_log=False,
        timeout_graceful_shutdown=settings.shutdown_timeout,
    )


def main() -> None:
    """Console-script entry point; configuration errors end with a message, not a traceback."""
    try:
        get_settings()
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]) or "settings"
            typer.echo(f"Configuration error ({where}): {problem['msg']}", err=True)
        raise SystemExit(2) from None
    cli()
