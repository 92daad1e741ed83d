"""The complaints register and queue (DOMAIN §10) on SQLite and PostgreSQL: one row per complaint restating it,
the contact masked, and each complaint's standing judged on the day asked — due_soon the working day before its
due date, due_today on it, breached from the day after — with the queue's filters.

The story (June 2026; 3 working days to accept, 7 to a result; 19 June is 端午):
  FEES     wgsh, online, fees, 李四 139 1234 5678, received Wed 06-03: acceptance due Mon 06-08, never answered
  LATE     wgsh, letter, results_late, received 06-03, accepted 06-04 (result due 06-15), assigned 赵六, extended
           on 06-12 by 3 working days (due 06-18)
  CHEAT    dmtxh, municipal line at 10:00, candidate_misconduct, anonymous, received 06-03, accepted 06-05,
           resolved 06-08 (not upheld)
  RUDE     dmtxh, online, staff_conduct, received Thu 06-04 (due 06-09), declined 06-05
  SLOW     dmtxh, counter, certificates, a landline, received 06-03 (due 06-08), escalated for the breach 06-09: the
           municipal center's acceptance is due 06-12
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from uuid import UUID

import pytest
from sqlalchemy import select

from cases.service.application import CasesApplication
from cases.identity import mask_contact as masked_contact
from cases.projections.complaints import STANDING_FILTERS, ComplaintRegister, complaint_queue, complaint_row
from cases.projections.engine.rebuild_all import process_groups, rebuild_all
from cases.projections.engine.service import Projections
from cases.projections.registry import all_projections
from cases.projections.engine.store import ReadModelStore

SH = timezone(timedelta(hours=8))
D = date.fromisoformat


def receive(app: CasesApplication, when: str, body: str, channel: str, category: str, **details) -> UUID:
    form = {
        "channel": channel, "received_at": datetime.fromisoformat(when).replace(tzinfo=SH), "body": body,
        "category": category, "words": "投诉内容", "actor": "supervisor:wgsh:陈主任",
        "complainant_name": "李四", "complainant_contact": "139 1234 5678",
    }  # fmt: skip
    return app.complaints.receive(**{**form, **details})


def tell_the_story(app: CasesApplication) -> dict[str, UUID]:
    s = "supervisor:wgsh:陈主任"
    fees = receive(app, "2026-06-03 10:00", "wgsh", "online", "fees", words="考核评价费多收了100元，电话13912345678")
    late = receive(app, "2026-06-03 14:00", "wgsh", "letter", "results_late", complainant_name="王芳", complainant_contact="13800001111")
    app.complaints.accept(late, on=D("2026-06-04"), actor=s)
    app.complaints.assign(late, handler="赵六", on=D("2026-06-04"), actor=s)
    app.complaints.extend(late, working_days=3, reason="需调取考场记录", notice_recorded_on=D("2026-06-12"), on=D("2026-06-12"), actor=s)
    cheat = receive(app, "2026-06-03 10:00", "dmtxh", "municipal_line", "candidate_misconduct", anonymous=True,
                    complainant_name=None, complainant_contact=None, staff_named=["张三"])  # fmt: skip
    app.complaints.accept(cheat, on=D("2026-06-05"), actor="supervisor:all:周")
    app.complaints.resolve(cheat, outcome="not_upheld", findings="监控未见替考", recorded_by="王五", on=D("2026-06-08"), actor="supervisor:all:周")
    rude = receive(app, "2026-06-04 09:00", "dmtxh", "online", "staff_conduct", staff_named=["钱七", "孙八"])
    app.complaints.decline(rude, on=D("2026-06-05"), reason="不属于本机构业务范围", actor="supervisor:dmtxh:吴")
    slow = receive(app, "2026-06-03 11:00", "dmtxh", "counter", "certificates", complainant_contact="021-6451 2345")
    app.complaints.escalate(slow, why="breach", on=D("2026-06-09"), actor="supervisor:dmtxh:吴")
    return {"fees": fees, "late": late, "cheat": cheat, "rude": rude, "slow": slow}


@pytest.fixture
def world(app: CasesApplication, store):
    complaints = tell_the_story(app)
    projections = Projections(app, ReadModelStore.from_settings(store), [ComplaintRegister()])
    projections.catch_up()
    yield projections, complaints
    projections.store.dispose()


def ids(rows: list[dict], complaints: dict[str, UUID]) -> list[str]:
    names = {str(v): k for k, v in complaints.items()}
    return [names[row["complaint_id"]] for row in rows]


# --- the row --------------------------------------------------------------------------------------------------


def test_a_row_restates_the_complaint_with_its_running_clock(world, calendar):
    projections, c = world
    late = complaint_row(projections, c["late"], on=D("2026-06-12"), calendar=calendar)
    assert {k: late[k] for k in ("body", "level", "channel", "category", "stage", "handler", "extended", "escalations")} == {
        "body": "wgsh", "level": "body", "channel": "letter", "category": "results_late", "stage": "accepted",
        "handler": "赵六", "extended": True, "escalations": 0,
    }  # fmt: skip
    assert (late["received_at"], late["counts_from"]) == (datetime(2026, 6, 3, 14, 0), D("2026-06-03"))
    assert (late["acceptance_due"], late["result_due"], late["running_clock"], late["due_now"]) == (
        D("2026-06-08"), D("2026-06-18"), "result", D("2026-06-18"),
    )  # extended by 3 from 15 June: 16, 17, 18 (19 June is 端午)
    assert (late["due_now_provisional"], late["outcome"], late["version"]) == (False, None, 4)

    slow = complaint_row(projections, c["slow"], on=D("2026-06-09"), calendar=calendar)
    assert (slow["level"], slow["stage"], slow["escalations"], slow["last_escalation_why"]) == ("municipal", "received", 1, "breach")
    assert (slow["acceptance_due"], slow["due_now"], slow["running_clock"]) == (D("2026-06-12"), D("2026-06-12"), "acceptance")

    cheat = complaint_row(projections, c["cheat"], on=D("2026-06-09"), calendar=calendar)
    assert (cheat["stage"], cheat["outcome"], cheat["resolved_on"], cheat["due_now"], cheat["standing"]) == (
        "resolved", "not_upheld", D("2026-06-08"), None, None,
    )
    assert (cheat["staff_named"], cheat["anonymous"], cheat["complainant_name"], cheat["complainant_contact_masked"]) == (1, True, None, None)

    rude = complaint_row(projections, c["rude"], calendar=calendar)
    assert (rude["stage"], rude["outcome"], rude["resolved_on"], rude["due_now"], rude["staff_named"]) == (
        "declined", "declined", D("2026-06-05"), None, 2,
    )
    assert complaint_row(projections, UUID(int=7)) is None


def test_the_contact_is_masked_and_no_full_number_is_in_the_register(world):
    projections, c = world
    fees, slow = complaint_row(projections, c["fees"]), complaint_row(projections, c["slow"])
    assert (fees["complainant_name"], fees["complainant_contact_masked"]) == ("李四", "139****5678")
    assert slow["complainant_contact_masked"] == "021****2345"
    table = projections.live_tables("complaints")["complaints"]
    with projections.store.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(select(table)).tuples() for v in row)
    for full in ("13912345678", "139 1234 5678", "13800001111", "6451 2345", "64512345", "投诉内容", "多收了"):
        assert full not in stored  # neither contact nor the complainant's words


def test_contacts_of_every_shape_keep_only_a_masked_form():
    assert masked_contact("+86 139-1234-5678") == "139****5678"
    assert masked_contact("lisi@example.com") == "l***@example.com"
    assert masked_contact("上海市徐汇区漕溪北路1号") == "上海***"
    assert masked_contact("12号楼3室") == "*****"  # no digit of an address shows


def test_a_due_date_in_a_year_the_calendar_does_not_cover_is_provisional(app, store):
    late_in_year = receive(app, "2026-12-30 10:00", "wgsh", "online", "other")
    projections = Projections(app, ReadModelStore.from_settings(store), [ComplaintRegister()])
    projections.catch_up()
    row = complaint_row(projections, late_in_year, on=D("2026-12-30"))
    assert (row["due_now"], row["due_now_provisional"], row["acceptance_due_provisional"]) == (D("2027-01-04"), True, True)
    projections.store.dispose()


# --- standing, judged on the day asked ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "state", "late"),
    [
        ("2026-06-04", "on_time", 0),
        ("2026-06-05", "due_soon", 0),  # Friday: the working day before Monday's due date
        ("2026-06-07", "due_soon", 0),  # Sunday: the next working day is the due date
        ("2026-06-08", "due_today", 0),
        ("2026-06-09", "breached", 1),
        ("2026-06-12", "breached", 4),
        ("2026-06-22", "breached", 9),  # 端午 (19 June) and the weekend do not count
    ],
)  # fmt: skip
def test_an_unanswered_complaint_is_breached_from_the_day_after_its_due_date(world, calendar, on, state, late):
    projections, c = world
    row = complaint_row(projections, c["fees"], on=D(on), calendar=calendar)
    assert (row["due_now"], row["standing"], row["working_days_late"], row["as_of"]) == (D("2026-06-08"), state, late, D(on))


def test_the_queue_lists_running_clocks_soonest_due_first_then_the_rest(world, calendar):
    projections, c = world
    rows = complaint_queue(projections, on=D("2026-06-08"), calendar=calendar)
    assert ids(rows, c) == ["fees", "slow", "late", "cheat", "rude"]
    assert [(r["standing"], r["working_days_late"]) for r in rows] == [
        ("due_today", 0), ("on_time", 0), ("on_time", 0), (None, 0), (None, 0),
    ]  # fmt: skip
    assert ids(complaint_queue(projections, on=D("2026-06-08"), limit=2, offset=1, calendar=calendar), c) == ["slow", "late"]


def test_the_queue_filters_by_body_state_category_handler_and_level(world, calendar):
    projections, c = world

    def queue(**filters) -> list[str]:
        return ids(complaint_queue(projections, on=D("2026-06-10"), calendar=calendar, **filters), c)

    assert queue(body="wgsh") == ["fees", "late"]
    assert queue(body="dmtxh") == ["slow", "cheat", "rude"]
    assert queue(state="accepted") == ["late"]
    assert queue(state="received") == ["fees", "slow"]
    assert queue(state="open") == ["fees", "slow", "late"]
    assert queue(state="declined", body="dmtxh") == ["rude"]
    assert queue(category="fees") == ["fees"]
    assert queue(handler="赵六") == ["late"]
    assert queue(level="municipal") == ["slow", "cheat"]
    assert queue(body="wgsh", category="certificates") == []


def test_the_queue_filters_by_breached_on_the_day_asked(world, calendar):
    projections, c = world

    def breached(on: str, flag: bool = True) -> list[str]:
        return ids(complaint_queue(projections, breached=flag, on=D(on), calendar=calendar), c)

    assert breached("2026-06-08") == []
    assert breached("2026-06-09") == ["fees"]
    assert breached("2026-06-12") == ["fees"]  # the municipal center's acceptance (slow) is due today
    assert breached("2026-06-15") == ["fees", "slow"]
    assert breached("2026-06-19") == ["fees", "slow", "late"]  # the extended result was due 18 June
    assert breached("2026-06-09", flag=False) == ["slow", "late", "cheat", "rude"]
    [late] = complaint_queue(projections, breached=True, handler="赵六", on=D("2026-06-22"), calendar=calendar)
    assert (late["standing"], late["working_days_late"]) == ("breached", 1)  # 19 June is 端午: only 22 June counts


def test_the_queue_filters_by_standing_on_the_day_asked_before_its_limit(world, calendar):
    projections, c = world

    def of(standing: str, on: str, **page) -> list[str]:
        return ids(complaint_queue(projections, standing=standing, on=D(on), calendar=calendar, **page), c)

    assert of("due_today", "2026-06-08") == ["fees"]
    assert of("on_time", "2026-06-08") == ["slow", "late"]
    assert of("on_time", "2026-06-08", limit=1) == ["slow"]  # not fees, the first row of the unfiltered queue
    assert of("on_time", "2026-06-08", limit=1, offset=1) == ["late"]
    assert of("due_soon", "2026-06-11") == ["slow"]  # Thursday: due Friday 12 June
    assert of("breached", "2026-06-11") == ["fees"]
    assert of("none", "2026-06-11") == ["cheat", "rude"]


def test_the_standing_filter_keeps_exactly_the_rows_of_that_standing_on_every_day(world, calendar):
    """The filter is SQL over the due date; the standing shown is rules.complaint_clock's: they agree, weekends and
    端午 (19 June) included."""
    projections, _ = world
    for day in (D("2026-06-01") + timedelta(days=n) for n in range(25)):
        every = complaint_queue(projections, on=day, calendar=calendar)
        for wanted in STANDING_FILTERS:
            found = complaint_queue(projections, standing=wanted, on=day, calendar=calendar)
            expected = [row["complaint_id"] for row in every if (row["standing"] or "none") == wanted]
            assert [row["complaint_id"] for row in found] == expected, (day, wanted)


# --- the engine: exactly once, rebuild, verify --------------------------------------------------------------


def test_small_batches_and_restarted_runners_give_the_same_rows(app, store):
    tell_the_story(app)
    head = app.recorder.max_notification_id()
    everything = Projections(app, ReadModelStore.from_settings(store), [ComplaintRegister()])
    for stop in range(3, head + 3, 3):  # a fresh runner each time reads its rows and aggregates back
        everything.runner("complaints", batch_size=2, holder="test").catch_up(stop=min(stop, head))
    rows = complaint_queue(everything, on=D("2026-06-10"))
    assert len(rows) == 5 and everything.verify() == []
    everything.store.dispose()


def test_a_rebuild_and_a_verify_reproduce_the_register_from_the_log(world):
    projections, c = world
    before = projections.digest("complaints")
    assert projections.verify() == []
    projections.rebuild("complaints")
    assert projections.digest("complaints") == before
    assert complaint_row(projections, c["late"])["handler"] == "赵六"


def test_the_register_runs_rebuilds_and_verifies_with_every_other_read_model(app, store):
    tell_the_story(app)
    read_models = ReadModelStore.from_settings(store)
    projections = Projections(app, read_models, all_projections())
    assert "complaints" in projections.projections
    assert "complaints" in process_groups(projections, 2)[0]  # it follows its aggregate, as case_index does
    projections.catch_up()
    before = projections.digest("complaints")
    generations = rebuild_all(projections, processes=1)
    assert generations["complaints"] == 2
    assert projections.digest("complaints") == before
    assert projections.verify() == []
    read_models.dispose()
