"""What the routes use: the application service, the read models, and (on the embedded default) projection
followers running in-process. With PostgreSQL, projections run as separate `cases projections run` workers."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from cases.application import CasesApplication
from cases.projections.service import Projections
from cases.projections.store import ReadModelStore
from cases.settings import Settings

MAX_WAIT_SECONDS = 5.0


@dataclass
class Services:
    settings: Settings
    app: CasesApplication
    projections: Projections
    followers: list[threading.Thread] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def open(cls, settings: Settings, *, in_process_projections: bool | None = None) -> Services:
        app = CasesApplication(settings)
        services = cls(settings, app, Projections(app, ReadModelStore.from_settings(settings)))
        if in_process_projections if in_process_projections is not None else not settings.uses_postgres:
            services.start_followers()
        return services

    def start_followers(self, poll_seconds: float = 0.1) -> None:
        for name in self.projections.projections:
            runner = self.projections.runner(name)
            thread = threading.Thread(target=runner.follow, args=(self.stopping, poll_seconds), name=f"projection-{name}", daemon=True)
            thread.start()
            self.followers.append(thread)

    def wait_for(self, position: int | None, names: list[str] | None = None, timeout: float = MAX_WAIT_SECONDS) -> bool:
        """Read your writes: wait (bounded) until the projections have reached `position`."""
        if not position:
            return True
        deadline = time.monotonic() + min(timeout, MAX_WAIT_SECONDS)
        wanted = names or list(self.projections.projections)
        while True:
            positions = {line["projection"]: line["position"] for line in self.projections.status()}
            if all(positions.get(name, 0) >= position for name in wanted):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def close(self) -> None:
        self.stopping.set()
        for thread in self.followers:
            thread.join(timeout=5)
        self.projections.store.dispose()
        self.app.close()
