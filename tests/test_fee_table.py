"""The whole 2026 fee table, typed by hand from the five notices' fee sections (not read from the catalogue file), against
what the product charges: every project × level row of every body, its subject fees, its total, and the retake price of
each subject (DOMAIN §4; issue 12).

Sources, as printed in `shared/seeds/`:
- seed 000 二(四)2 考核评价费 (理论知识 / 操作技能 / 总费用); 注: 补考按照科目收费 — a retaken subject costs its fee.
- seed 001 二(四)2 考核评价费 (理论知识 / 操作技能 / 合计); 注: 补考按照模块收费 — a retaken module costs its fee.
- seed 002 二(四)2 考务费: one amount per work type and level, no subject split; 四(一) says 补考费用参照附件2, and
  附件2 (the 须知) gives none — no retake price (Decision: refused until the operator sets one).
- seed 003 二(四)2 考务费收费标准 (理论知识 / 操作技能 / 合计); the notice states no retake price (DOMAIN §4 Decision: the
  subject's fee).
- seed 004 附件2 (企业人力资源管理师) and 附件3 (职业培训师): 评价服务费 per level, 补考收费 per module.
"""

from __future__ import annotations

import pytest

from cases.rulebook.lookup import find_offer
from cases.rules.fees import RetakePriceUnset, full_fee, retake_fee

# (body, occupation, work type, level) → (theory fee, skills fee, total, theory retake, skills retake); None: not stated
SEED_FEES: dict[tuple[str, str, str | None, int], tuple[int | None, int | None, int, int | None, int | None]] = {
    # seed 000 二(四)2
    ("wgsh", "互联网营销师", "视频创推员", 5): (100, 338, 438, 100, 338),
    ("wgsh", "互联网营销师", "视频创推员", 4): (100, 428, 528, 100, 428),
    ("wgsh", "互联网营销师", "视频创推员", 3): (100, 498, 598, 100, 498),
    # seed 001 二(四)2
    ("dsxh", "电子商务师", "网商", 4): (200, 200, 400, 200, 200),
    ("dsxh", "电子商务师", "网商", 3): (250, 250, 500, 250, 250),
    # seed 002 二(四)2
    ("dmtxh", "全媒体运营师", "直播运营", 4): (None, None, 400, None, None),
    ("dmtxh", "全媒体运营师", "直播运营", 3): (None, None, 500, None, None),
    ("dmtxh", "全媒体运营师", "流量运营", 4): (None, None, 400, None, None),
    ("dmtxh", "全媒体运营师", "流量运营", 3): (None, None, 500, None, None),
    ("dmtxh", "全媒体运营师", "视听运营", 4): (None, None, 400, None, None),
    ("dmtxh", "全媒体运营师", "视听运营", 3): (None, None, 500, None, None),
    # seed 003 二(四)2 (retake: DOMAIN §4 Decision, the subject's fee)
    ("migu", "全媒体运营师", "创意策划", 4): (110, 290, 400, 110, 290),
    ("migu", "全媒体运营师", "创意策划", 3): (110, 390, 500, 110, 390),
    ("migu", "全媒体运营师", "视听运营", 3): (110, 390, 500, 110, 390),
    ("migu", "全媒体运营师", "流量运营", 3): (110, 390, 500, 110, 390),
    ("migu", "全媒体运营师", "直播运营", 3): (110, 390, 500, 110, 390),
    # seed 004 附件2, 附件3
    ("jsxh", "企业人力资源管理师", None, 4): (None, None, 350, 175, 175),
    ("jsxh", "企业人力资源管理师", None, 3): (None, None, 400, 200, 200),
    ("jsxh", "职业培训师", None, 3): (None, None, 400, 200, 200),
}


def charged_retake(offer, subject: str) -> int | None:
    try:
        return retake_fee(offer, [subject]).total
    except RetakePriceUnset:
        return None


@pytest.mark.parametrize("year", [2026])
def test_every_fee_and_retake_price_charged_is_the_one_the_notices_print(rulebook, year):
    catalogue = rulebook.for_year(year)
    rows = [(b.code, p.occupation, p.work_type, lv.level) for b in catalogue.bodies for p in b.projects for lv in p.levels]
    assert sorted(rows, key=str) == sorted(SEED_FEES, key=str)  # no row missing, none extra (19 in the five notices)

    charged = {}
    for body, occupation, work_type, level in rows:
        offer = find_offer(rulebook, body=body, occupation=occupation, work_type=work_type, level=level, year=year)
        fee = full_fee(offer)
        lines = dict(fee.lines)
        assert set(lines) == {"theory", "skills"}, (body, occupation, work_type, level)
        assert fee.clause.startswith(f"seed {offer.body.seed} "), fee.clause
        charged[(body, occupation, work_type, level)] = (
            lines["theory"], lines["skills"], fee.total, charged_retake(offer, "theory"), charged_retake(offer, "skills"),
        )  # fmt: skip
    assert charged == SEED_FEES
