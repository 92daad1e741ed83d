"""The API's own tables (tokens, idempotency keys, register verifications) live in a store of their own (`api.store`),
so the read models can be dropped and rebuilt from the log without losing who may call, what a retry must be
answered, or what a verification found."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from api.app import create_app
from api.store import ApiStore
from api.tokens import create_token
from cases.projections.engine.store import read_model_url
from cases.service.application import CasesApplication
from cases.settings import Settings
from tests.api.test_case_commands import application
from tests.api.test_verifications import finished


def event_tables(settings: Settings) -> set[str]:
    """The tables the event store keeps in the shared PostgreSQL schema (none beside the read models on SQLite)."""
    CasesApplication(settings).close()
    return set(_tables(settings))


def _tables(settings: Settings) -> list[str]:
    if not settings.uses_postgres:
        return []
    engine = create_engine(read_model_url(settings))
    try:
        return inspect(engine).get_table_names(schema=settings.postgres_schema)
    finally:
        engine.dispose()


def drop_every_read_model_table(settings: Settings, keep: set[str]) -> None:
    """What an operator may do to the read models at any time: on SQLite delete their file, on PostgreSQL drop every
    table in the schema but the event store's."""
    if not settings.uses_postgres:
        readmodels = Path(settings.data_dir) / "readmodels.sqlite"
        for path in (readmodels, *(readmodels.with_name(readmodels.name + suffix) for suffix in ("-wal", "-shm"))):
            path.unlink(missing_ok=True)
        assert (Path(settings.data_dir) / "api.sqlite").exists()
        return
    dropped = [name for name in _tables(settings) if name not in keep]
    engine = create_engine(read_model_url(settings))
    try:
        with engine.begin() as conn:
            for name in dropped:
                conn.exec_driver_sql(f'DROP TABLE "{settings.postgres_schema}"."{name}" CASCADE')
    finally:
        engine.dispose()
    assert dropped and set(_tables(settings)) == keep


def test_tokens_idempotent_answers_and_verifications_outlive_dropping_and_rebuilding_the_read_models(store: Settings):
    keep = event_tables(store)
    body = application("wgsh", 4)
    with TestClient(create_app(store, in_process_projections=False)) as before:
        services = before.app.state.services
        token, _ = create_token(services.api_store, role="admin", body=None, label="desk")
        headers = {"Authorization": f"Bearer {token}"}
        first = before.post("/cases", json=body, headers={**headers, "Idempotency-Key": "intake-0302-001"})
        assert first.status_code == 201, first.json()
        services.projections.catch_up()
        href = before.post("/registers/verifications", headers=headers).json()["href"]
        verified = finished(before, headers, href)
        assert verified["outcome"] == "equal"

    drop_every_read_model_table(store, keep)

    with TestClient(create_app(store, in_process_projections=False)) as after:
        after.app.state.services.projections.rebuild_all()
        assert after.get(first.headers["Location"], headers=headers).status_code == 200
        retry = after.post("/cases", json=body, headers={**headers, "Idempotency-Key": "intake-0302-001"})
        assert (retry.status_code, retry.json(), retry.headers["Idempotent-Replayed"]) == (201, first.json(), "true")
        assert after.get(href, headers=headers).json() == verified


def test_the_api_store_is_a_file_of_its_own_on_sqlite_and_a_schema_of_its_own_on_postgresql(store: Settings):
    api_store = ApiStore.from_settings(store)
    if store.uses_postgres:
        assert api_store.schema == f"{store.postgres_schema}_api"
    else:
        assert api_store.url == f"sqlite:///{Path(store.data_dir) / 'api.sqlite'}"
