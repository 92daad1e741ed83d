"""/metrics is the Prometheus text format (read back here by prometheus_client's own parser): requests counted by
method, route and status, latency by route, each projection's lag and failure; each app counts its own requests.
A problem answer names the request id the client got in X-Request-ID."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.metrics import BUCKETS


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    answer = client.get("/metrics")
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return {(s.name, frozenset(s.labels.items())): s.value for f in text_string_to_metric_families(answer.text) for s in f.samples}


def labels(**given: str) -> frozenset[tuple[str, str]]:
    return frozenset(given.items())


def test_metrics_count_requests_by_method_route_and_status_and_time_them_by_route(client: TestClient) -> None:
    for _ in range(3):
        assert client.get("/health").status_code == 200
    assert client.get("/no-such-page").status_code == 404

    seen = samples(client)

    assert seen["cases_http_requests_total", labels(method="GET", route="/health", status="200")] == 3
    assert seen["cases_http_requests_total", labels(method="GET", route="unmatched", status="404")] == 1
    assert seen["cases_http_request_seconds_count", labels(route="/health")] == 3
    assert seen["cases_http_request_seconds_bucket", labels(route="/health", le="+Inf")] == 3
    les = sorted(float(dict(key)["le"]) for name, key in seen if name == "cases_http_request_seconds_bucket" and ("route", "/health") in key)
    assert les == sorted(BUCKETS)  # every bucket, also the empty ones
    assert 0 < seen["cases_http_request_seconds_sum", labels(route="/health")] < 3 * BUCKETS[-2]
    assert not [name for name, _ in seen if name.endswith("_created")]


def test_metrics_give_each_projections_lag_and_failure(client: TestClient, api_app: Any) -> None:
    projections = [line["projection"] for line in api_app.state.services.projections.status()]

    seen = samples(client)

    assert projections and all(seen["cases_projection_lag", labels(projection=name)] == 0 for name in projections)
    assert all(seen["cases_projection_failed", labels(projection=name)] == 0 for name in projections)


def test_two_apps_in_one_process_count_their_own_requests(client: TestClient, store: Any) -> None:
    client.get("/health")
    with TestClient(create_app(store, in_process_projections=False)) as other:
        other.get("/health")
        other.get("/health")
        assert samples(other)["cases_http_requests_total", labels(method="GET", route="/health", status="200")] == 2
    assert samples(client)["cases_http_requests_total", labels(method="GET", route="/health", status="200")] == 1


def test_a_problem_names_the_request_id_answered_in_x_request_id(client: TestClient) -> None:
    given = client.get("/cases", headers={"X-Request-ID": "trace-7"})  # no token
    made = client.get("/cases")
    refused_at_the_edge = client.get("/cases", params={"body": "x" * 10_000})

    assert (given.status_code, given.json()["request_id"], given.headers["X-Request-ID"]) == (401, "trace-7", "trace-7")
    assert made.status_code == 401 and made.json()["request_id"] == made.headers["X-Request-ID"]
    assert refused_at_the_edge.status_code == 422
    assert refused_at_the_edge.json()["request_id"] == refused_at_the_edge.headers["X-Request-ID"]
