"""The demo (演示): a realistic 2026 for all five bodies, driven through the application service.

`run_demo(app)` does what registrars, examiners and compliance officers would do — applications (individual,
group through an institution, competition), reviews, fees, sittings, results, retakes at the retake price, a
re-application that waives a retake, every sanction tier, certificates issued, reissued and invalidated, a lapse
— then reads back what the store holds. It prints nothing: the CLI renders the returned `DemoRecord`.
Every date lies in 2026, on or before `TODAY`; ID numbers are valid test numbers and only their masked forms
leave this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import UUID

from cases.application import CasesApplication
from cases.errors import DomainError
from cases.identity import make_test_id_number
from cases.settings import Settings

TODAY = date(2026, 11, 21)
D = date.fromisoformat
PROJECTS: dict[str, tuple[str, str | None]] = {  # each body's usual project; a case may name another work type
    "wgsh": ("互联网营销师", "视频创推员"),
    "dsxh": ("电子商务师", "网商"),
    "dmtxh": ("全媒体运营师", "直播运营"),
    "migu": ("全媒体运营师", "创意策划"),
    "jsxh": ("企业人力资源管理师", None),
}


class StoreNotEmpty(DomainError):
    """The demo writes a fixed story with fixed candidates: it runs on an empty store only."""

    code = "store_not_empty"


# --- the record of what happened ------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    kind: str  # "full" | "retake"
    amount: int
    paid_on: date


@dataclass(frozen=True)
class CertificateSummary:
    number: str
    form: str
    delivery: str
    status: str
    issued_on: date
    collectable_from: str | None
    replaced: tuple[str, ...]


@dataclass(frozen=True)
class CaseSummary:
    case_id: UUID
    candidate: str
    id_masked: str
    project: str
    level: int
    channel: str
    institution: str | None
    stage: str
    payments: tuple[Payment, ...]
    applied_on: date
    approved_on: date | None
    pay_by: date | None
    sittings: tuple[date, ...]
    window_last_day: date | None
    certificate: CertificateSummary | None

    @property
    def fees_paid(self) -> int:
        return sum(p.amount for p in self.payments)


@dataclass(frozen=True)
class Notable:
    """A fact worth reading about (or a refusal, which writes no event)."""

    on: date
    candidate: str
    kind: str
    detail: str
    clause: str | None = None
    case_id: UUID | None = None


@dataclass(frozen=True)
class BodySummary:
    code: str
    name: str
    cases: tuple[CaseSummary, ...]
    notables: tuple[Notable, ...]

    @property
    def fees_collected(self) -> int:
        return sum(c.fees_paid for c in self.cases)


@dataclass(frozen=True)
class DemoRecord:
    bodies: tuple[BodySummary, ...]
    events_written: int

    @property
    def case_count(self) -> int:
        return sum(len(b.cases) for b in self.bodies)

    @property
    def fees_collected(self) -> int:
        return sum(b.fees_collected for b in self.bodies)


# --- the people and the desk that serves them -----------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    born: str
    region: str  # administrative code of the place of first registration
    sequence: int  # odd: male, even: female (GB 11643)

    @property
    def id_number(self) -> str:
        return make_test_id_number(self.region, D(self.born), self.sequence)


@dataclass
class _Desk:
    """One body's registrar, examiner and compliance officer at work."""

    app: CasesApplication
    body: str
    cases: list[UUID] = field(default_factory=list)
    refusals: list[Notable] = field(default_factory=list)

    def apply(
        self, person: Person, level: int, on: str, *, since: str | None = None, occupation: str | None = None,
        work_type: str | None = "-", channel: str = "individual", institution: str | None = None, paper: bool = False,
    ) -> UUID:  # fmt: skip
        usual_occupation, usual_work_type = PROJECTS[self.body]
        occupation = occupation or usual_occupation
        evidence: dict[str, Any] = {"intends_to_work": since is None}
        if since:
            evidence["work"] = [{"occupation": occupation, "start": since}]
        case_id = self.app.apply(
            name=person.name, id_number=person.id_number, body=self.body, occupation=occupation,
            work_type=usual_work_type if work_type == "-" else work_type, level=level, applied_on=D(on),
            actor=f"registrar:{self.body}", channel=channel, institution=institution, evidence=evidence,
            paper_certificate=paper,
        )  # fmt: skip
        self.cases.append(case_id)
        return case_id

    def review(self, case_id: UUID, on: str) -> str:
        return self.app.review(case_id, decided_on=D(on), actor=f"registrar:{self.body}")

    def pay(self, case_id: UUID, on: str) -> None:
        due = self.app.get_case(case_id).fee_due or {}
        reference = f"{self.body.upper()}-{on.replace('-', '')}-{str(case_id)[:4]}"
        self.app.pay_fee(case_id, amount=due["total"], paid_on=D(on), actor=f"registrar:{self.body}", reference=reference)

    def approve_and_pay(self, case_id: UUID, decided: str, paid: str) -> None:
        self.review(case_id, decided)
        self.pay(case_id, paid)

    def attend(self, case_id: UUID, on: str) -> None:
        self.app.record_attendance(case_id, sat_on=D(on), attended=True, actor=f"examiner:{self.body}")

    def results(self, case_id: UUID, on: str, **scores: float) -> None:
        for subject, score in scores.items():
            self.app.record_result(case_id, subject=subject, score=score, recorded_on=D(on), actor=f"examiner:{self.body}")

    def sit(self, case_id: UUID, on: str, results_on: str, **scores: float) -> None:
        self.attend(case_id, on)
        self.results(case_id, results_on, **scores)

    def retake(self, case_id: UUID, requested: str, paid: str) -> None:
        self.app.request_retake(case_id, requested_on=D(requested), actor=f"registrar:{self.body}")
        self.pay(case_id, paid)

    def certify(self, case_id: UUID, on: str) -> str:
        return self.app.issue_certificate(case_id, issued_on=D(on), actor=f"registrar:{self.body}")

    def sanction(self, case_id: UUID, on: str, tier: str, behaviour: str, **details: Any) -> None:
        self.app.sanction(case_id, tier=tier, behaviour=behaviour, decided_on=D(on), actor=f"compliance:{self.body}", **details)

    def refused(self, person: Person, on: str, what: str, command: Callable[[], object]) -> None:
        """Run a command the rules must refuse; the refusal is recorded (it writes no event)."""
        try:
            command()
        except DomainError as error:
            detail = f"{what}: refused [{error.code}] {error.message}"
            self.refusals.append(Notable(D(on), person.name, "refused", detail, error.clause))
        else:
            raise AssertionError(f"the demo expected this to be refused: {what}")


# --- the year, body by body -----------------------------------------------------------------------


def _wgsh(desk: _Desk) -> None:
    """上海市网购商会: a straight pass, a failed skills module retaken at its price, a training centre's group,
    a subject cancelled for leaving the seat, and a candidate still waiting for results."""
    zhang = desk.apply(Person("张伟", "1988-04-12", "310104", 231), 4, "2026-03-02", since="2014-07-01")
    desk.approve_and_pay(zhang, "2026-03-04", "2026-03-05")
    desk.sit(zhang, "2026-04-18", "2026-05-12", theory=78, skills=84)
    desk.certify(zhang, "2026-06-03")

    li = desk.apply(Person("李娜", "1985-09-23", "310115", 242), 3, "2026-04-07", since="2012-03-01")
    desk.approve_and_pay(li, "2026-04-09", "2026-04-10")
    desk.sit(li, "2026-05-23", "2026-06-10", theory=72, skills=55)
    desk.retake(li, "2026-06-15", "2026-06-16")
    desk.sit(li, "2026-07-18", "2026-08-05", skills=79)
    desk.certify(li, "2026-08-26")

    school = "上海新动力职业技能培训中心"
    group = [
        Person("赵子涵", "2004-02-18", "310107", 118),
        Person("孙浩然", "2003-11-05", "310112", 305),
        Person("周雨桐", "2005-07-30", "310110", 426),
    ]
    members = [desk.apply(p, 5, "2026-05-06", channel="group", institution=school) for p in group]
    for case_id in members:
        desk.approve_and_pay(case_id, "2026-05-08", "2026-05-11")
    desk.sit(members[0], "2026-06-13", "2026-07-01", theory=81, skills=76)
    desk.sit(members[1], "2026-06-13", "2026-07-01", theory=67, skills=88)
    desk.sit(members[2], "2026-06-13", "2026-07-01", theory=48, skills=71)  # may retake theory until the window ends
    desk.certify(members[0], "2026-07-22")
    desk.certify(members[1], "2026-07-22")

    liu = desk.apply(Person("刘洋", "1990-12-01", "310107", 153), 4, "2026-06-03", since="2016-09-01")
    desk.approve_and_pay(liu, "2026-06-05", "2026-06-08")
    desk.attend(liu, "2026-07-11")
    desk.sanction(liu, "2026-07-11", "subject", "须知 二.2", subject="theory")
    desk.results(liu, "2026-07-29", skills=82)
    desk.retake(liu, "2026-08-03", "2026-08-04")
    desk.sit(liu, "2026-08-22", "2026-09-09", theory=74)
    desk.certify(liu, "2026-09-16")

    chen = desk.apply(Person("陈静", "1995-03-14", "310106", 364), 4, "2026-10-12", since="2018-05-01")
    desk.approve_and_pay(chen, "2026-10-14", "2026-10-15")
    desk.attend(chen, "2026-11-14")


def _dsxh(desk: _Desk) -> None:
    """上海市电子商务行业协会: a pass, a phone at the desk (sitting cancelled, barred for the year), a fee not
    paid in time, and an application whose evidence meets no clause."""
    wu = desk.apply(Person("吴建国", "1979-06-08", "310109", 417), 3, "2026-03-09", since="2009-02-01")
    desk.approve_and_pay(wu, "2026-03-11", "2026-03-12")
    desk.sit(wu, "2026-04-11", "2026-04-30", theory=81, skills=77)
    desk.certify(wu, "2026-05-27")

    xu_person = Person("徐丽", "1992-08-19", "310110", 286)
    xu = desk.apply(xu_person, 4, "2026-05-11", since="2017-04-01")
    desk.approve_and_pay(xu, "2026-05-13", "2026-05-14")
    desk.attend(xu, "2026-06-13")
    desk.sanction(xu, "2026-06-13", "sitting", "须知 三.1")
    desk.refused(
        xu_person, "2026-09-07", "a new application for 电子商务师 level 4",
        lambda: desk.apply(xu_person, 4, "2026-09-07", since="2017-04-01"),
    )  # fmt: skip

    ma = desk.apply(Person("马超", "1996-01-25", "310112", 139), 4, "2026-07-06", since="2019-03-01")
    desk.review(ma, "2026-07-08")
    desk.app.lapse(ma, on=D("2026-07-14"), actor="registrar:dsxh")

    zhu = desk.apply(Person("朱琳", "1998-10-03", "310113", 208), 3, "2026-08-10", since="2020-06-01")
    desk.review(zhu, "2026-08-12")


def _dmtxh(desk: _Desk) -> None:
    """上海市多媒体行业协会: a pass and a lost certificate reissued; a failure whose retake has no stated price,
    so the candidate re-applies and waives it; a grave (minor) sanction."""
    lin = desk.apply(Person("林晓燕", "1991-02-27", "310105", 164), 4, "2026-03-16", since="2018-03-01")
    desk.approve_and_pay(lin, "2026-03-18", "2026-03-19")
    desk.sit(lin, "2026-04-18", "2026-05-15", theory=76, skills=88)
    desk.certify(lin, "2026-06-10")
    desk.app.reissue_certificate(lin, on=D("2026-09-08"), actor="registrar:dmtxh", reason="lost")

    he_person = Person("何俊杰", "1987-07-09", "310101", 375)
    he = desk.apply(he_person, 3, "2026-04-08", since="2013-05-01", work_type="流量运营")
    desk.approve_and_pay(he, "2026-04-10", "2026-04-13")
    desk.sit(he, "2026-05-16", "2026-06-05", theory=48, skills=81)
    desk.refused(
        he_person, "2026-06-10", "a retake of theory",
        lambda: desk.app.request_retake(he, requested_on=D("2026-06-10"), actor="registrar:dmtxh"),
    )  # fmt: skip
    again = desk.apply(he_person, 3, "2026-06-15", since="2013-05-01", work_type="流量运营")
    desk.approve_and_pay(again, "2026-06-17", "2026-06-18")
    desk.sit(again, "2026-07-18", "2026-08-07", theory=73, skills=85)
    desk.certify(again, "2026-09-02")

    gao = desk.apply(Person("高敏", "1994-11-11", "310120", 442), 3, "2026-07-07", since="2015-08-01", work_type="视听运营")
    desk.approve_and_pay(gao, "2026-07-09", "2026-07-10")
    desk.attend(gao, "2026-08-15")
    desk.sanction(gao, "2026-08-15", "grave", "须知 四.2", severity="minor")


def _migu(desk: _Desk) -> None:
    """咪咕视讯: a pass (the one filed certificate prefix), a failed skills subject retaken at 290 yuan, an
    impersonation (grave, serious: five years and referral), a competition entrant who cannot retake."""
    zheng = desk.apply(Person("郑凯", "1989-03-30", "310115", 457), 3, "2026-02-03", since="2014-01-01", work_type="视听运营")
    desk.approve_and_pay(zheng, "2026-02-05", "2026-02-06")
    desk.sit(zheng, "2026-03-14", "2026-04-03", theory=83, skills=79)
    desk.certify(zheng, "2026-04-24")

    xie = desk.apply(Person("谢婷婷", "1997-12-06", "310104", 288), 4, "2026-05-12", since="2020-07-01")
    desk.approve_and_pay(xie, "2026-05-14", "2026-05-15")
    desk.sit(xie, "2026-06-13", "2026-07-03", theory=80, skills=57)
    desk.retake(xie, "2026-07-06", "2026-07-07")
    desk.sit(xie, "2026-08-08", "2026-08-28", skills=83)
    desk.certify(xie, "2026-09-18")

    feng = desk.apply(Person("冯磊", "1986-08-22", "310107", 319), 3, "2026-08-04", since="2012-10-01", work_type="直播运营")
    desk.approve_and_pay(feng, "2026-08-06", "2026-08-07")
    desk.attend(feng, "2026-09-12")
    desk.sanction(feng, "2026-09-12", "grave", "须知 四.4", severity="serious")

    han = desk.apply(Person("韩雪", "1999-04-15", "310106", 172), 4, "2026-06-01", since="2019-09-01", channel="competition")
    desk.approve_and_pay(han, "2026-06-03", "2026-06-04")
    desk.sit(han, "2026-07-04", "2026-07-24", theory=66, skills=49)


def _jsxh(desk: _Desk) -> None:
    """上海市技师协会 (fixed windows, electronic certificates): a training school's group in the April window, one
    member retaking theory in August at 175 yuan; a paper certificate by courier; forged materials found after
    certification; a November-window candidate qualified and waiting for the certificate."""
    school = "上海浦江人力资源培训学校"
    group = [
        Person("曹宇", "1990-06-21", "310115", 511),
        Person("邓佳怡", "1993-02-14", "310104", 522),
        Person("彭志刚", "1982-11-30", "310109", 533),
        Person("蒋欣怡", "1996-08-08", "310113", 544),
    ]
    paper = {2}
    members = [
        desk.apply(p, 4, "2026-03-02", since="2019-03-01", channel="group", institution=school, paper=i in paper)
        for i, p in enumerate(group)
    ]
    for case_id in members:
        desk.approve_and_pay(case_id, "2026-03-10", "2026-03-24")
    for case_id, theory in zip(members, (82, 75, 68, 55)):
        desk.sit(case_id, "2026-04-25", "2026-05-22", theory=theory, skills=79)
    for case_id in members[:3]:
        desk.certify(case_id, "2026-06-12")
    desk.retake(members[3], "2026-07-01", "2026-07-21")
    desk.sit(members[3], "2026-08-22", "2026-09-18", theory=71)
    desk.certify(members[3], "2026-10-16")

    xu = desk.apply(Person("许文博", "1980-10-28", "310109", 555), 3, "2026-07-01", since="2008-09-01", occupation="职业培训师", paper=True)
    desk.approve_and_pay(xu, "2026-07-06", "2026-07-20")
    desk.sit(xu, "2026-08-22", "2026-09-18", theory=86, skills=90)
    desk.certify(xu, "2026-10-16")

    luo = desk.apply(Person("罗晓东", "1984-05-05", "310112", 567), 3, "2026-03-05", since="2013-04-01")
    desk.approve_and_pay(luo, "2026-03-12", "2026-03-25")
    desk.sit(luo, "2026-04-25", "2026-05-22", theory=77, skills=81)
    desk.certify(luo, "2026-06-12")
    desk.sanction(luo, "2026-09-21", "materials", "须知 一")

    tang = desk.apply(Person("唐磊", "1991-01-19", "310115", 579), 3, "2026-09-15", since="2014-02-01")
    desk.approve_and_pay(tang, "2026-09-22", "2026-10-09")
    desk.sit(tang, "2026-11-07", "2026-11-20", theory=74, skills=80)


SCENARIOS: dict[str, Callable[[_Desk], None]] = {"wgsh": _wgsh, "dsxh": _dsxh, "dmtxh": _dmtxh, "migu": _migu, "jsxh": _jsxh}


def run_demo(app: CasesApplication) -> DemoRecord:
    """Play the year on an empty store and return what the store then holds, body by body."""
    before = app.recorder.max_notification_id() or 0
    if before:
        raise StoreNotEmpty(
            f"the store already holds {before} events; the demo runs on an empty store (use --fresh to start again)",
            field="data_dir",
        )
    bodies = []
    for code, scenario in SCENARIOS.items():
        desk = _Desk(app, code)
        scenario(desk)
        bodies.append(_summarise_body(app, desk))
    return DemoRecord(tuple(bodies), (app.recorder.max_notification_id() or 0) - before)


# --- reading back ---------------------------------------------------------------------------------


def _summarise_body(app: CasesApplication, desk: _Desk) -> BodySummary:
    cases, notables = [], list(desk.refusals)
    for case_id in desk.cases:
        case = app.get_case(case_id)
        events = list(app.events.get(case_id))
        cases.append(_summarise_case(case, events))
        notables.extend(n for n in (_notable(case, e) for e in events) if n is not None)
    name = app.rulebook.for_year(TODAY.year).body(desk.body).name  # type: ignore[union-attr]
    return BodySummary(desk.body, name, tuple(cases), tuple(sorted(notables, key=lambda n: n.on)))


def _summarise_case(case: Any, events: list[Any]) -> CaseSummary:
    issued = [e for e in events if type(e).__name__ == "CertIssued"]
    certificate = None
    if case.certificate:
        collectable = issued[-1].collectable_from if issued else None
        certificate = CertificateSummary(
            number=case.certificate["number"], form=case.certificate["form"], delivery=case.certificate["delivery"],
            status=case.certificate["status"], issued_on=case.certificate["issued_on"],
            collectable_from=str(collectable["due"]) if collectable else None,
            replaced=tuple(p["number"] for p in case.certificate["previous"]),
        )  # fmt: skip
    project = f"{case.occupation} ({case.work_type})" if case.work_type else case.occupation
    approved = case.decision["decided_on"] if case.decision and case.decision["approved"] else None
    return CaseSummary(
        case_id=case.id, candidate=case.holder_name, id_masked=case.holder_id_masked, project=project,
        level=case.level, channel=case.channel, institution=case.institution, stage=case.stage,
        payments=tuple(Payment(p["kind"], p["amount"], p["paid_on"]) for p in case.payments),
        applied_on=case.applied_on, approved_on=approved, pay_by=case.pay_by,
        sittings=tuple(s["sat_on"] for s in case.sittings), window_last_day=case.window_last_day,
        certificate=certificate,
    )  # fmt: skip


def _notable(case: Any, event: Any) -> Notable | None:
    """Waivers, sanctions, barred retakes, lapses, rejections and certificate changes, in words."""
    name = type(event).__name__

    def say(on: date, kind: str, detail: str, clause: str | None = None) -> Notable:
        return Notable(on, case.holder_name, kind, detail, clause, case.id)

    if name == "RetakeWaived":
        kept = ", ".join(event.discarded_subjects) or "none"
        detail = f"re-applied for the same project and level; passed subjects discarded: {kept}"
        return say(event.on, "retake waived", detail, event.clause)
    if name == "Sanctioned":
        tier = f"{event.tier} ({event.severity})" if event.severity else event.tier
        cancelled = ", ".join(f"{c['subject']} of {c['sat_on']}" for c in event.cancelled) or "none"
        detail = f"{event.behaviour_clause} {event.behaviour}; results cancelled: {cancelled}"
        if event.ban:
            detail += f"; barred until {event.ban['ends_on']}" + ("; referred to the authorities" if event.ban["referral"] else "")
        return say(event.decided_on, f"sanction: {tier}", detail, event.clause)
    if name == "CertRevoked":
        return say(event.on, "certificate revoked", f"{event.number}: {event.reason}", event.clause)
    if name == "CertReissued":
        return say(event.on, "certificate reissued", f"{event.number} replaces {event.replaces} ({event.reason})", event.clause)
    if name == "RetakeBarred":
        return say(event.on, "retake barred", "failed through a skills competition: no retake", event.clause)
    if name == "Lapsed":
        return say(event.on, "lapsed", f"the fee due by {event.due_on} was not paid")
    if name == "Rejected":
        held = [r["reason"] for r in event.reasons if r.get("clause")]
        return say(event.decided_on, "rejected", "no eligibility clause holds: " + "; ".join(held[:2]))
    return None


# --- the store the demo writes to -----------------------------------------------------------------


def demo_settings(settings: Settings) -> Settings:
    """The demo always writes to the embedded SQLite store under the data directory."""
    return replace(settings, database_url=None, postgres_schema=None)


def discard_store(settings: Settings) -> None:
    """Delete the SQLite event file (and its journal files); the ID hash key stays."""
    store = settings.data_dir / "events.sqlite"
    for path in (store, *(store.with_name(store.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        path.unlink(missing_ok=True)
