"""The Prometheus metrics behind /metrics, kept and written by `prometheus_client`, in a registry of each app's own
(tests build many apps in one process; the library's global registry would mix their counts):

- `cases_http_requests_total{method, route, status}`, a counter, and `cases_http_request_seconds{route}`, a
  latency histogram, both fed by `api.middleware.RequestLog`;
- `cases_projection_lag{projection}` (events not yet projected) and `cases_projection_failed{projection}` (1 while
  the projection cannot advance past an event), gauges read from the stores at each scrape.

Per process, as before the library: under `cases serve --workers N` each worker counts only the requests it
served, and a scrape shows the worker that answered it (no multiprocess mode, which would need
PROMETHEUS_MULTIPROC_DIR). The projection gauges come from the shared stores, so every worker reports the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.metrics import disable_created_metrics
from prometheus_client.registry import Collector

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, float("inf"))

# No `_created` series next to each counter and histogram: the exposition keeps today's series, and a worker's
# start is not a fact anyone here reads. (A switch of the library's, for the whole process.)
disable_created_metrics()


class Metrics:
    def __init__(self, projection_status: Callable[[], list[dict[str, Any]]]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "cases_http_requests", "HTTP requests by method, route and status", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram("cases_http_request_seconds", "request latency", ["route"], buckets=BUCKETS, registry=self.registry)
        self.registry.register(_ProjectionGauges(projection_status))
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        # A request's two series, looked up once per label set: `labels()` checks and locks on every call, which
        # was half the cost of counting a request (about 2.5 of 4.3 µs).
        series = self._series.get((method, route, status))
        if series is None:
            series = self._series[(method, route, status)] = (self.requests.labels(method, route, str(status)), self.latency.labels(route))
        series[0].inc()
        series[1].observe(seconds)

    def exposition(self) -> bytes:
        """The Prometheus text format, version 0.0.4 (`prometheus_client.CONTENT_TYPE_PLAIN_0_0_4`)."""
        return generate_latest(self.registry)


class _ProjectionGauges(Collector):
    def __init__(self, projection_status: Callable[[], list[dict[str, Any]]]) -> None:
        self.projection_status = projection_status

    def collect(self) -> Iterator[Metric]:
        lag = GaugeMetricFamily("cases_projection_lag", "events not yet projected", labels=["projection"])
        failed = GaugeMetricFamily("cases_projection_failed", "1 while the projection cannot advance past an event", labels=["projection"])
        for line in self.projection_status():
            lag.add_metric([line["projection"]], line["lag"])
            failed.add_metric([line["projection"]], int(bool(line["failed"])))
        yield lag
        yield failed
