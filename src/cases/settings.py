"""Settings from the environment: where events live, keys, logging, today's date (README "Configuration" lists them).

Embedded default: SQLite files under CASES_DATA_DIR (./var), nothing to start. Scale-out: set
CASES_DATABASE_URL=postgresql://user@host:port/dbname and every process shares that database.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlparse

from cases.errors import DomainError
from cases.limits import FIRST_DAY, LAST_DAY, MAX_BODY_BYTES, date_out_of_range

SHANGHAI = timezone(timedelta(hours=8))  # UTC+8, no daylight saving: the zone of every business day and every moment


class ConfigurationError(DomainError):
    code = "configuration_error"
    http_status = 500


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str | None = None
    cipher_key: str | None = None
    id_hash_key: str | None = None
    log_json: bool = False
    log_level: str = "INFO"
    calendar_dir: Path | None = None
    operator_file: Path | None = None
    postgres_schema: str | None = None
    command_threads: int | None = None
    query_threads: int | None = None
    rebuild_workers: int | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    trusted_proxies: str | None = None
    max_projection_lag: int = 10_000
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            data_dir=Path(env.get("CASES_DATA_DIR", "var")),
            database_url=env.get("CASES_DATABASE_URL") or None,
            cipher_key=env.get("CASES_CIPHER_KEY") or None,
            id_hash_key=env.get("CASES_ID_HASH_KEY") or None,
            log_json=env.get("CASES_LOG_FORMAT", "console").lower() == "json",
            log_level=env.get("CASES_LOG_LEVEL", "INFO"),
            calendar_dir=Path(env["CASES_CALENDAR_DIR"]) if env.get("CASES_CALENDAR_DIR") else None,
            operator_file=Path(env["CASES_OPERATOR_FILE"]) if env.get("CASES_OPERATOR_FILE") else None,
            postgres_schema=env.get("CASES_POSTGRES_SCHEMA") or None,
            command_threads=_positive_int(env, "CASES_COMMAND_THREADS"),
            query_threads=_positive_int(env, "CASES_QUERY_THREADS"),
            rebuild_workers=_positive_int(env, "CASES_REBUILD_WORKERS"),
            max_body_bytes=_positive_int(env, "CASES_MAX_BODY_BYTES") or MAX_BODY_BYTES,
            trusted_proxies=env.get("CASES_TRUSTED_PROXIES") or None,
            max_projection_lag=_positive_int(env, "CASES_MAX_PROJECTION_LAG") or 10_000,
        )

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url)

    @property
    def commands_at_once(self) -> int:
        """How many commands an API worker runs at once. SQLite has one writer at a time: commands queueing in
        threads for its lock cost more (thread switches, lock hand-offs) than they wait, so one; PostgreSQL
        writes concurrently, so four (bench/api.py on two cores: 2-4 did best; more cores or a remote database
        want more)."""
        return self.command_threads or (4 if self.uses_postgres else 1)

    @property
    def queries_at_once(self) -> int:
        """How many threads an API worker lends to queries (and every other blocking route). More threads than
        cores buy no speed under Python's GIL, only switching: 4 on SQLite, whose reads are local; 8 on
        PostgreSQL, whose reads wait on the network."""
        return self.query_threads or (8 if self.uses_postgres else 4)

    @property
    def rebuild_processes(self) -> int:
        """How many processes a full rebuild (`cases projections rebuild`) splits the projections over: one per
        core, at most two (the projections fall into two groups: those that follow the case aggregate, and the
        rest)."""
        return self.rebuild_workers or min(2, os.cpu_count() or 1)

    def event_store_env(self) -> dict[str, str]:
        """The `eventsourcing` environment for the configured store and cipher."""
        env: dict[str, str] = {}
        if self.database_url:
            env.update(postgres_env(self.database_url, self.postgres_schema))
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            env.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=str(self.data_dir / "events.sqlite"))
            env["APPLICATION_RECORDER_TOPIC"] = "cases.event_store:SQLiteTimestampedRecorder"
            env["SQLITE_LOCK_TIMEOUT"] = "10"
        if self.cipher_key:
            env.update(CIPHER_TOPIC="cases.cipher:CheckedAESCipher", CIPHER_KEY=self.cipher_key)
        env.update(self.extra_env)
        return env

    def resolve_id_hash_key(self) -> bytes:
        """The secret behind candidate stream ids. On SQLite it is created once in the data dir; with
        PostgreSQL every process must be given the same CASES_ID_HASH_KEY."""
        if self.id_hash_key:
            return self.id_hash_key.encode()
        if self.uses_postgres:
            raise ConfigurationError(
                "CASES_ID_HASH_KEY must be set when CASES_DATABASE_URL is (every process derives candidate ids from it)",
                field="CASES_ID_HASH_KEY",
            )
        path = self.data_dir / "id_hash.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip().encode()


def today() -> date:
    """Today, for the rule that a business date records what has happened (`cases.business_dates`): CASES_TODAY
    (YYYY-MM-DD) when set, for demos and tests that tell a story on other days; unset, the real date in Shanghai
    (UTC+8), where every business date is a day — not the server's own time zone, on which a morning's business
    before 08:00 would be tomorrow. Read at every call, so a test or a demo may set it while the process runs."""
    given = os.environ.get("CASES_TODAY")
    if not given:
        return datetime.now(SHANGHAI).date()
    try:
        day = date.fromisoformat(given)
    except ValueError:
        day = None
    if day is None or len(given) != 10 or date_out_of_range(day):
        raise ConfigurationError(
            f"CASES_TODAY must be a date YYYY-MM-DD from {FIRST_DAY} to {LAST_DAY}, not {given[:40]!r}", field="CASES_TODAY"
        )
    return day


def _positive_int(env: os._Environ[str] | dict[str, str], name: str) -> int | None:
    given = env.get(name)
    if not given:
        return None
    if not given.isdigit() or int(given) < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1, not {given!r}", field=name)
    return int(given)


def postgres_env(url: str, schema: str | None = None) -> dict[str, str]:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        raise ConfigurationError(f"CASES_DATABASE_URL must be a postgresql:// URL, not {parsed.scheme}://", field="CASES_DATABASE_URL")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "APPLICATION_RECORDER_TOPIC": "cases.event_store:PostgresTimestampedRecorder",
        "POSTGRES_DBNAME": parsed.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
    }
    if schema:
        env["POSTGRES_SCHEMA"] = schema
    return env
