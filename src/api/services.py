"""What the routes use: the application service, the read models, the API's own store (tokens, idempotency keys,
verification records: `api.store`), and (on the embedded default) projection followers running in-process. With PostgreSQL, projections run as separate `cases projections run` workers."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import anyio
import anyio.to_thread

from api.store import ApiStore
from api.tokens import TokenCache
from cases.service.application import CasesApplication
from cases.projections.engine.follow_all import FollowAll
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections
from cases.projections.engine.store import ReadModelStore
from cases.settings import Settings

MAX_WAIT_SECONDS = 5.0
WAIT_LOOK_SECONDS = 0.02
WAITS_PER_CALLER = 2  # read-your-writes waits one caller (a token) may have in flight; more answer 429
FOLLOW_POLL_SECONDS = 0.25


@dataclass
class Services:
    settings: Settings
    app: CasesApplication
    projections: Projections
    api_store: ApiStore
    tokens: TokenCache
    command_limiter: anyio.CapacityLimiter
    followers: list[threading.Thread] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    nudged: threading.Event = field(default_factory=threading.Event)  # a query waits: followers look now
    verifications: list[threading.Thread] = field(default_factory=list)  # register verifications running here
    waiting: dict[str, int] = field(default_factory=dict)  # caller → read-your-writes waits in flight (event loop only)

    @classmethod
    def open(cls, settings: Settings, *, in_process_projections: bool | None = None) -> Services:
        app = CasesApplication(settings)
        store = ReadModelStore.from_settings(settings)
        api_store = ApiStore.from_settings(settings)
        services = cls(
            settings, app, Projections(app, store, all_projections()), api_store, TokenCache(api_store),
            anyio.CapacityLimiter(settings.commands_at_once),
        )
        if in_process_projections if in_process_projections is not None else not settings.uses_postgres:
            services.start_followers()
        return services

    def start_followers(self, poll_seconds: float = FOLLOW_POLL_SECONDS) -> None:
        """One thread follows every projection (`FollowAll`): each new event is read and decoded once. It looks for
        new events every `poll_seconds` (batches of a quarter second's writes cost far less per event than a tenth's),
        and at once when a query waits for a position (`wait_for`)."""
        following = FollowAll(self.projections)
        thread = threading.Thread(target=following.follow, args=(self.stopping, poll_seconds, self.nudged), name="projections", daemon=True)
        thread.start()
        self.followers.append(thread)

    async def wait_for(self, position: int | None, names: list[str] | None = None, timeout: float = MAX_WAIT_SECONDS) -> bool:
        """Read your writes: wait (bounded) until the projections have reached `position`. The wait is on the event
        loop; a thread is borrowed only for each look at the positions (one short query), so waiting requests
        hold no thread between looks (issue 10: eight of them once held every query thread for 5 s)."""
        if not position:
            return True
        deadline = time.monotonic() + min(timeout, MAX_WAIT_SECONDS)
        wanted = names or list(self.projections.projections)
        self.nudged.set()
        while True:
            positions = (await anyio.to_thread.run_sync(self.projections.live_view)).positions
            if all(positions.get(name, 0) >= position for name in wanted):
                return True
            if time.monotonic() >= deadline:
                return False
            await anyio.sleep(WAIT_LOOK_SECONDS)

    def head(self) -> int:
        """The log's last position."""
        return self.app.recorder.max_notification_id() or 0

    def close(self) -> None:
        self.stopping.set()
        self.nudged.set()
        for thread in self.followers + self.verifications:
            thread.join(timeout=5)  # a verification stops at its next batch, recorded as failed
        self.projections.store.dispose()
        self.api_store.dispose()
        self.app.close()
