"""Settings read from the environment: the command threads of an API worker, the processes of a rebuild."""

from __future__ import annotations

import pytest

from cases.settings import ConfigurationError, Settings


def test_an_api_worker_runs_one_command_at_a_time_on_sqlite_and_four_on_postgresql() -> None:
    assert Settings.from_env({}).commands_at_once == 1
    assert Settings.from_env({"CASES_DATABASE_URL": "postgresql://u@h/db"}).commands_at_once == 4


def test_an_api_worker_lends_four_threads_to_queries_on_sqlite_and_eight_on_postgresql() -> None:
    assert Settings.from_env({}).queries_at_once == 4
    assert Settings.from_env({"CASES_DATABASE_URL": "postgresql://u@h/db"}).queries_at_once == 8
    assert Settings.from_env({"CASES_QUERY_THREADS": "2"}).queries_at_once == 2


def test_cases_command_threads_overrides_the_default() -> None:
    assert Settings.from_env({"CASES_COMMAND_THREADS": "3"}).commands_at_once == 3


@pytest.mark.parametrize("given", ["0", "-2", "many", "1.5"])
def test_a_bad_command_thread_count_stops_start_up_naming_the_variable(given: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"CASES_COMMAND_THREADS": given})
    assert refused.value.field == "CASES_COMMAND_THREADS" and given in refused.value.message


def test_a_full_rebuild_uses_a_process_per_core_up_to_two_unless_told() -> None:
    import os

    assert Settings.from_env({}).rebuild_processes == min(2, os.cpu_count() or 1)
    assert Settings.from_env({"CASES_REBUILD_WORKERS": "1"}).rebuild_processes == 1
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({"CASES_REBUILD_WORKERS": "none"})
    assert refused.value.field == "CASES_REBUILD_WORKERS"
