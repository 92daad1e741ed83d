"""Misconduct and sanctions (参评人员须知, all seeds; DOMAIN §6) as data, and the ban each tier imposes.

Tiers: subject (须知 二.1-4), sitting (三.1-5), grave (四.1-7, minor or serious), materials (一). Misconduct
confirmed after the evaluation is handled the same way and an issued certificate is invalidated (须知, last
paragraph). Decision: a ban runs from the day the sanction is decided; "当年" ends on 31 December of that year;
"2年内"/"5年内" end the day before the 2nd/5th anniversary.

Decision (retakes after a sanction, issue 12): a sanction that leaves subjects outstanding (须知 二 cancels one
subject's result, 三 and 四 every result of the sitting) leaves a retake (四(一) 可按规定申请补考) only if one can
still be sat: a barred candidate cannot sit until the ban's last day has passed (须知 三 当年不得参加评价, 四 2年内 /
5年内不得参加评价), and a retake must be sat by the validity window's last day (四(一) 超过成绩有效期须重新申报所有
科目认定; DOMAIN §5 Decision). So a retake remains, from the day after the ban's last day, only when the ban ends
before the window's last day; when it ends on or after it, none remains. A competition candidate has none at all
(四(四)). The answer is decided when the sanction is, and recorded in its event (`retake_after`), so a replay never
asks today's rules; the window's own expiry is judged on the day asked, as everywhere (validity_windows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from cases.errors import InvalidInput
from cases.rules.periods import last_day_of_years

Cancels = Literal["subject", "sitting", "qualification"]


@dataclass(frozen=True)
class SanctionTier:
    code: str
    behaviours: dict[str, str]  # clause → behaviour
    cancels: Cancels
    clause: str


TIERS: dict[str, SanctionTier] = {
    "subject": SanctionTier(
        "subject",
        {
            "须知 二.1": "prohibited items at the seat, not corrected after a warning",
            "须知 二.2": "not in the assigned seat or leaving it, not corrected after a warning",
            "须知 二.3": "disturbing order in the room, not corrected after a warning",
            "须知 二.4": "other breach of the rules short of cheating",
        },
        "subject",
        "须知 二: 取消当次该科目成绩",
    ),
    "sitting": SanctionTier(
        "sitting",
        {
            "须知 三.1": "using an electronic device with camera, storage, transmission or communication",
            "须知 三.2": "copying or helping others copy",
            "须知 三.3": "deliberately destroying papers, workpieces or materials",
            "须知 三.4": "taking papers or answers out of the room",
            "须知 三.5": "other cheating without serious disturbance to others",
        },
        "sitting",
        "须知 三: 取消当次全部科目成绩，且当年不得参加评价",
    ),
    "grave": SanctionTier(
        "grave",
        {
            "须知 四.1": "false pledge or materials to gain entry",
            "须知 四.2": "obtaining or spreading questions or answers beforehand",
            "须知 四.3": "seizing or stealing papers, coercing others, swapping tools or workpieces",
            "须知 四.4": "impersonation",
            "须知 四.5": "collusion or organised cheating",
            "须知 四.6": "deliberately damaging equipment, causing accident or injury",
            "须知 四.7": "other grave disorder",
        },
        "sitting",
        "须知 四: 取消当次全部科目成绩。情节轻微的，2年内不得参加评价；情节严重的，5年内不得参加评价，并…移送有关部门",
    ),
    "materials": SanctionTier(
        "materials",
        {"须知 一": "not meeting the conditions, or false or forged application materials"},
        "qualification",
        "须知 一: 取消其考试资格及考试成绩，虚假材料及考核评价费不予退还，已获得的证书作无效处理",
    ),
}

GRAVE_BAN_YEARS = {"minor": 2, "serious": 5}


class UnknownSanction(InvalidInput):
    code = "unknown_sanction"


@dataclass(frozen=True)
class Ban:
    starts_on: date
    ends_on: date
    referral: bool
    clause: str


def tier_for(tier: str, behaviour_clause: str) -> SanctionTier:
    found = TIERS.get(tier)
    if found is None:
        raise UnknownSanction(f"no sanction tier {tier!r} (tiers: {', '.join(TIERS)})", field="tier")
    if behaviour_clause not in found.behaviours:
        raise UnknownSanction(
            f"{behaviour_clause!r} is not a behaviour of the {tier} tier (one of: {', '.join(found.behaviours)})",
            field="behaviour",
            clause=found.clause,
        )
    return found


def ban_for(tier: SanctionTier, decided_on: date, severity: str | None) -> Ban | None:
    """The ban a tier imposes, from the day it is decided."""
    if tier.code == "sitting":
        return Ban(decided_on, date(decided_on.year, 12, 31), False, "须知 三: 当年不得参加评价")
    if tier.code == "grave":
        if severity not in GRAVE_BAN_YEARS:
            raise UnknownSanction(
                "a grave sanction needs severity 'minor' (2-year ban) or 'serious' (5-year ban and referral)",
                field="severity",
                clause=tier.clause,
            )
        years = GRAVE_BAN_YEARS[severity]
        return Ban(
            decided_on, last_day_of_years(decided_on, years), severity == "serious", f"须知 四: {years}年内不得参加评价"
        )
    return None


# Clauses of the retake decision, cited against the governing notice ("seed 003 四(一)…"); the ban's own clause is
# on the ban. All five notices carry 四(一) and 四(四) (seed 004 numbers them 四 1 and 4).
RETAKE_REMAINS = "四(一): 部分科目成绩不合格，可按规定申请补考"
RETAKE_AFTER_BAN = "四(一): 可按规定申请补考 — from the day after the ban (须知 三/四: 不得参加评价), within the validity window"
NO_RETAKE_AFTER_BAN = "四(一): 超过成绩有效期须重新申报所有科目认定 — the ban (须知 三/四: 不得参加评价) lasts to or past the window's last day"
NO_RETAKE_COMPETITION = "四(四): 参加本市职业技能竞赛成绩不合格者，不能进行补考"


def retake_after(
    *, barred_until: date | None, window_last_day: date | None, competition: bool, notice: str
) -> dict[str, Any]:
    """Whether a retake remains after a sanction that leaves subjects outstanding, and from when (the module's
    Decision). `barred_until`: the last day of the longest ban the case's sanctions impose, or None."""
    if competition:
        possible, clause = False, NO_RETAKE_COMPETITION
    elif barred_until is None:
        possible, clause = True, RETAKE_REMAINS
    elif window_last_day is not None and barred_until >= window_last_day:
        possible, clause = False, NO_RETAKE_AFTER_BAN
    else:
        possible, clause = True, RETAKE_AFTER_BAN
    starts = barred_until + timedelta(days=1) if possible and barred_until else None
    return {
        "possible": possible, "from": starts, "barred_until": barred_until, "window_last_day": window_last_day,
        "clause": f"{notice} {clause}",
    }  # fmt: skip
