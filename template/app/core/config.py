"""Application settings read from the environment, `.env` and `app/custom/settings.toml`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PLACEHOLDER_SECRET = "changethis"
MIN_SECRET_BYTES = 32
CUSTOM_SETTINGS_FILE = Path(__file__).resolve().parent.parent / "custom" / "settings.toml"
MODULE_NAMES = ("reports", "news", "prices", "integrations")


class ForwardTarget(BaseModel):
    """How reports forwarded to one outside agency are delivered (see the README).

    `email`: to `email` or the agency's contact; `webhook`: a JSON POST to `url` signed with
    HMAC-SHA256 of `secret`; `open311`: a GeoReport v2 POST to the server at `url` (its base,
    e.g. https://lapor.kab.example.go.id/open311/v2) with `api_key`, as `service_code`.
    """

    model_config = ConfigDict(extra="forbid")

    transport: Literal["email", "webhook", "open311"] = "email"
    email: str | None = None
    url: str | None = None
    secret: str | None = None
    api_key: str | None = None
    service_code: str | None = None
    jurisdiction_id: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> ForwardTarget:
        """Each transport has what it needs."""
        needed = {"webhook": ("url", "secret"), "open311": ("url", "api_key")}
        missing = [n for n in needed.get(self.transport, ()) if not getattr(self, n)]
        if missing:
            raise ValueError(
                f"the {self.transport} transport needs {' and '.join(missing)}; "
                "set them in FORWARDING or [forwarding.<AGENCY>] of settings.toml"
            )
        if self.url and not self.url.startswith(("https://", "http://")):
            raise ValueError(f"url {self.url!r} is not an http(s) URL")
        return self


class Settings(BaseSettings):
    """Every runtime setting; environment variables use the upper-case field name."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        toml_file=CUSTOM_SETTINGS_FILE,
    )

    environment: Literal["local", "test", "production"] = "local"
    # unset: a strong key is generated on first start and kept in INSTANCE_DIR (mode 0600)
    secret_key: str | None = None
    instance_dir: Path = Path("var")
    database_url: str = "sqlite:///var/app.db"
    database_schema: str | None = None
    # connections per worker process; a request that waits longer than the timeout for one
    # is answered 503 with Retry-After instead of queueing without end
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=5, ge=0, le=200)
    db_pool_timeout: float = Field(default=3.0, gt=0, le=60)
    retry_after_seconds: int = Field(default=5, ge=1, le=3600)
    # seconds the server waits for open requests after SIGTERM before it closes them
    shutdown_timeout: int = Field(default=5, ge=0, le=120)
    access_token_expire_minutes: int = 60 * 24 * 7  # citizens
    officer_token_expire_minutes: int = 60 * 10  # officers: one working day
    upload_max_bytes: int = 5 * 1024 * 1024
    upload_max_pixels: int = Field(default=40_000_000, ge=1)  # declared width x height
    photo_max_side: int = Field(default=2560, ge=64)  # stored photos are scaled down to this
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)  # bodies without photo uploads
    max_photos: int = 3
    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path = Path("var/uploads")
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_prefix: str = "reports/"
    # rate limits in the `limits` notation ("20/minute", tiers joined with ";"), counted in
    # the database shared by all workers, or in Redis when REDIS_URL is set
    redis_url: str | None = None
    rate_limit_login_ip: str = "30/minute"
    rate_limit_login_failures: str = "5/5 minutes;20/hour;50/day"  # per account
    rate_limit_register_ip: str = "10/hour"
    rate_limit_lookup_ip: str = "60/minute"  # tracking numbers and access codes
    rate_limit_open311_post: str = "120/minute"  # per API key
    rate_limit_report_post: str = "30/minute"  # per IP, JSON API and web form
    log_level: str = "INFO"
    log_json: bool = True
    tracking_prefix: str | None = None
    modules: dict[str, bool] = {}
    cors_origins: list[str] = []
    open311_contact: str | None = None
    # the address citizens reach the app at, for links in e-mails (e.g. https://lapor.example.go.id)
    public_url: str | None = None
    # outgoing e-mail; unset SMTP_HOST keeps e-mails waiting in the outbox (see the desk)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_timeout: float = Field(default=10.0, gt=0, le=120)
    mail_from: str = "noreply@localhost"
    # the outbox worker: inside `serve` (one process holds the lease) or `python -m app outbox`
    outbox_in_process: bool = True
    outbox_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    outbox_batch: int = Field(default=20, ge=1, le=1000)
    outbox_lease_seconds: float = Field(default=120.0, ge=1, le=3600)
    outbox_max_attempts: int = Field(default=12, ge=1, le=100)
    outbox_retry_base_seconds: float = Field(default=30.0, gt=0, le=86_400)
    outbox_retry_max_seconds: float = Field(default=6 * 3600.0, gt=0, le=7 * 86_400)
    # daily overdue digest to supervisors, sent from this hour (province time)
    digest_hour: int = Field(default=7, ge=0, le=23)
    # web push (VAPID); unset: a key pair is generated into INSTANCE_DIR on first use
    vapid_private_key: str | None = None
    vapid_subject: str | None = None  # mailto: or https: contact for push services
    # delivery of reports forwarded to outside agencies, by agency code (JSON in FORWARDING);
    # an agency without an entry gets an e-mail at its contact address
    forwarding: dict[str, ForwardTarget] = {}
    forward_timeout: float = Field(default=10.0, gt=0, le=120)
    # how often the status of a report forwarded over Open311 is read back from the other server
    forward_poll_seconds: float = Field(default=300.0, gt=0, le=86_400)
    api_docs: bool | None = None  # /docs and /openapi.json; None = on outside production
    cookie_secure: bool | None = None  # web session cookies: None = in production and on HTTPS
    # how long a worker serves its cached catalogue before it checks the catalogue version in
    # the database again (changes made by the same worker show at once); 0 = every request
    catalogue_check_seconds: float = Field(default=1.0, ge=0, le=3600)
    # how long a worker reuses an Open311 request list it built for the same query (a report
    # changed by the same worker drops it at once; one changed by another shows within this);
    # 0 = build every list afresh
    request_list_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    # how long a worker reuses a region search answer for the same words (region tables change only
    # when they are seeded: at once in the seeding process, within this time in the others); 0 = off
    region_search_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    # maps: the tile server (its origin is allowed in the CSP), its attribution and the view
    # shown before any report is on the map (None: fit the reports, else all of Indonesia)
    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_tile_attribution: str = "© OpenStreetMap contributors"
    map_center: tuple[float, float] | None = None
    map_zoom: int = Field(default=11, ge=1, le=19)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Let the province's settings.toml sit below environment variables."""
        toml_settings = TomlConfigSettingsSource(settings_cls)
        return init_settings, env_settings, dotenv_settings, toml_settings, file_secret_settings

    @field_validator("database_url")
    @classmethod
    def _use_psycopg(cls, value: str) -> str:
        """Map plain PostgreSQL URLs to the psycopg 3 driver."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("modules")
    @classmethod
    def _known_modules(cls, value: dict[str, bool]) -> dict[str, bool]:
        """Refuse module switches that do not exist."""
        unknown = sorted(set(value) - set(MODULE_NAMES))
        if unknown:
            raise ValueError(
                f"unknown module(s) {', '.join(unknown)}; known modules: {', '.join(MODULE_NAMES)}"
            )
        return value

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        """A tile URL is an http(s) template with {z}, {x} and {y}."""
        if not value.startswith(("https://", "http://")) or not all(
            part in value for part in ("{z}", "{x}", "{y}")
        ):
            raise ValueError(
                f"MAP_TILE_URL {value!r} must be an http(s) URL with {{z}}, {{x}} and {{y}}, "
                "e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png"
            )
        return value

    @field_validator("secret_key")
    @classmethod
    def _unset_when_empty(cls, value: str | None) -> str | None:
        """An empty SECRET_KEY means "not set": the instance key is used."""
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> Settings:
        """No server signs tokens with the published placeholder or a short key."""
        key = self.secret_key
        if key is None:
            return self
        how = (
            "set SECRET_KEY to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`, or leave it unset "
            "to have one generated and kept in INSTANCE_DIR"
        )
        if key == PLACEHOLDER_SECRET:
            raise ValueError(f"SECRET_KEY is the published placeholder {key!r}; {how}")
        if len(key.encode()) < MIN_SECRET_BYTES and self.environment != "test":
            raise ValueError(
                f"SECRET_KEY is {len(key.encode())} bytes long; it needs at least "
                f"{MIN_SECRET_BYTES} bytes outside tests; {how}"
            )
        return self

    @field_validator(
        "rate_limit_login_ip",
        "rate_limit_login_failures",
        "rate_limit_register_ip",
        "rate_limit_lookup_ip",
        "rate_limit_open311_post",
        "rate_limit_report_post",
    )
    @classmethod
    def _limits_notation(cls, value: str) -> str:
        """Rate limits must parse, e.g. `20/minute` or `5/5 minutes;20/hour`."""
        try:
            parse_many(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a rate limit; write e.g. '20/minute' or '5/5 minutes;20/hour'"
            ) from None
        return value

    def rate_limits(self) -> dict[str, str]:
        """Every rate-limit rule by name."""
        prefix = "rate_limit_"
        return {
            name[len(prefix) :]: getattr(self, name)
            for name in type(self).model_fields
            if name.startswith(prefix)
        }

    @property
    def api_docs_enabled(self) -> bool:
        """Whether the API docs are served."""
        return self.api_docs if self.api_docs is not None else self.environment != "production"

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is SQLite."""
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
