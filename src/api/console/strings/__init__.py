"""Every label the console shows, as data: key → (中文, English), one module per page group, merged here into one
LABELS (a key lives in one module only: the group that shows it, or `common` when several do).

- common: the shell (sign-in, home, errors), words every group uses, roles, the case's stages, the sanction tiers
- hotline · compliance · registrar · reports · public (the public checks and the printables)

The Chinese is ../shared/GLOSSARY.md's (or the domain's own tables, taken from it: a complaint's categories, stages,
outcomes and standings); where the glossary lacks a domain word, the notices' own wording (../shared/seeds/: 申报,
身份证号, 姓名, 佐证材料, 评价日期, 考场, 座位, 开考, 人数, 金额（元）, 缴费日期, 缴纳凭证, 违纪违规行为, 窗口, 真实有效…).
Chinese first; the English beside it stays as it was (tests match the English). A plain interface word the notices
never use takes the ordinary Chinese of a government web system: those keys are in PLAIN_WORDS, for a reviewer to
check against the glossary. A wording change, or a translation, is a change to these tables, not to a template.

Review of the Chinese (December 2026; old → new):
- One action, one word. 查询 meant both "Verify" and "Find": checking a certificate or a ticket is now 核验 (verify,
  verification 职业技能等级证书核验, ticket_check 准考证核验, scan_to_verify; scan_to_open_ticket's 查验 too, one
  concept one word), finding a case 查找 (find, find_case 查找申报, found_cases 查找结果).
- One word, one concept. channel.body_line / municipal_line were both 监督电话 → 评价机构业务监督电话 /
  市职业技能鉴定中心监督电话 (the notices' names); command.escalate and command.pull_in were both
  已转市职业技能鉴定中心 → 转市职业技能鉴定中心办理 / 提级办理（已超期）; case_stage.barred_no_retake had become 禁考期内
  like barred → 禁考期内，期满后不可补考; no_retake_remains 不能补考 → 不可补考 and retake_remains 补考 → 可补考 (the
  stages' terms); the worklists were named by a date or a stage (缴费截止日, 逾期未缴费 = lapsed, 成绩查询日（工作日）,
  已合格，待发证) → 待缴费, 已过缴费截止日, 已过成绩查询日, 已合格，逾期未发证; ticket_from and result.schedule 准考证 →
  下载准考证日期 (seed 004's column); result.certificate 职业技能等级证书 → 证书编号 (the value is the number).
- An action is a verb. Buttons and form headings read as states or nouns: accept and command.accept 已受理 → 受理,
  command.assign 已分派 → 分派, extend 已延期（已告知投诉人） → 延期办理, resolve 已办结 → 办结, close 已归档 → 归档,
  record_callback 回访 → 登记回访, receive 已登记 → 登记投诉 (the stages keep the glossary's 已… forms);
  action.payment 考核评价费 → 登记缴费, schedule 考试安排 → 安排考试, results 成绩 → 登记成绩, retake 补考 → 申请补考
  (补考 per 四(一) 申请补考), certificate 职业技能等级证书 → 颁发职业技能等级证书 (seeds 一: 颁发).
- A field says what it holds: outcome 已办结 → 办理结果; notice_recorded_on 已告知投诉人 → 告知投诉人日期; working_days
  工作日 → 延长工作日数; complainant_name 投诉人 (its fieldset's legend too) → 投诉人姓名; to_municipal_center
  市职业技能鉴定中心 → 向市职业技能鉴定中心投诉; sanction 参评人员须知 (the document) → 违纪违规行为处理 (its subject);
  decided_on 决定日期 → 审核日期; name 持证人姓名 → 姓名 (the ticket check asks it too; seed 004 二(五) 姓名).
- Plain words a Shanghai civil servant would not write: 考勤 (staff attendance) → 到考情况 / 登记到考情况; 登记表 (a form
  to fill in) → 台账 for the registers; 时间线 → 办理记录; 显示 → 查看; 比较 → 比对; 本月考试安排 (any month is shown) →
  月度考试安排, cohort.holds 本月开考 → 当月开考; deferrals 延期至下月 (it lists both ways) → 延期情况; reference 缴费凭证号 →
  缴纳凭证号 (the notices' word).
- PLAIN_WORDS holds only keys with no glossary term nor notice word: out are decided_on (审核), complainant_contact,
  back_to_complaint (投诉人, 投诉), reveal_contact, contact_not_kept (回访), scan_to_open_ticket (准考证),
  linked_case(s), command.link_case (申报), id_masked (身份证号); in are reason, counts_from, plan_month, report.month,
  plain like `why`.
"""

from __future__ import annotations

from api.console.strings import common, compliance, hotline, public, registrar, reports

Label = tuple[str | None, str]

GROUPS = (common, hotline, compliance, registrar, reports, public)


def _merged() -> dict[str, Label]:
    """One table from the groups' tables; a key in two groups would silently lose one of its labels: an error."""
    merged: dict[str, Label] = {}
    for group in GROUPS:
        twice = merged.keys() & group.LABELS.keys()
        if twice:
            raise ValueError(f"labels defined twice ({group.__name__}): {sorted(twice)}")
        merged.update(group.LABELS)
    return merged


LABELS: dict[str, Label] = _merged()
PLAIN_WORDS: frozenset[str] = frozenset().union(*(group.PLAIN_WORDS for group in GROUPS))
if not PLAIN_WORDS <= LABELS.keys():
    raise ValueError(f"plain words without a label: {sorted(PLAIN_WORDS - LABELS.keys())}")


def label(key: str, **values: object) -> Label:
    """The (中文, English) of `key` (the key itself, in English, when the table has none), with `values` filled in."""
    zh, en = LABELS.get(key, (None, key))
    return (zh.format(**values) if zh and values else zh), en
