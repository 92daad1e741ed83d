"""`cases catalogue`: the rule book as loaded — bodies, projects, levels, fees, payment, results service levels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from cli.common import settings_of, stdout_console, text
from cases.rulebook.loader import RuleBook, RuleBookError, load_rulebook
from cases.rulebook.model import Body, Catalogue, LevelOffer

RULEBOOK_DIR_HELP = "directory of year files (2026.toml, …) to load instead of the bundled rule book"
OPERATOR_HELP = "operator settings file (default: CASES_OPERATOR_FILE, else the bundled operator.toml)"


def catalogue(
    ctx: typer.Context,
    check: Annotated[bool, typer.Option("--check", help="only validate: exit 0 'rule book OK', or 1 naming the bad entry")] = False,
    year: Annotated[int | None, typer.Option("--year", help="print only this year")] = None,
    rulebook_dir: Annotated[Path | None, typer.Option("--rulebook-dir", help=RULEBOOK_DIR_HELP, file_okay=False)] = None,
    operator_file: Annotated[Path | None, typer.Option("--operator-file", help=OPERATOR_HELP, dir_okay=False)] = None,
) -> None:
    """Print the rule book: each body's supervision line and hours, projects, levels, fees and retake prices,
    payment rule, results service level and certificates (jsxh: its fixed windows)."""
    settings = settings_of(ctx)
    try:
        rulebook = load_rulebook(data_dir=rulebook_dir, operator_file=operator_file or settings.operator_file)
    except RuleBookError as error:
        if not check:
            raise
        typer.echo(error.message, err=True)
        raise typer.Exit(1) from None
    if check:
        bodies = sum(len(c.bodies) for c in rulebook.catalogues.values())
        typer.echo(f"rule book OK: years {', '.join(map(str, rulebook.years))} ({bodies} bodies)")
        return
    render_rulebook(stdout_console(), rulebook, [year] if year else rulebook.years)


def render_rulebook(console: Console, rulebook: RuleBook, years: list[int]) -> None:
    for year in years:
        cat = rulebook.for_year(year)
        console.rule(text(f"{cat.year} rule book", "bold"))
        console.print(text(cat.source))
        console.print(text(_general(cat)))
        for body in cat.bodies:
            console.print(_body_panel(body))


def _general(cat: Catalogue) -> str:
    by_years: dict[int, list[str]] = {}
    for level, years in sorted(cat.validity.years_by_level.items(), reverse=True):
        by_years.setdefault(years, []).append(str(level))
    validity = "; ".join(f"levels {'/'.join(levels)}: {years} years" for years, levels in by_years.items())
    sup = cat.municipal_supervisor
    return (
        f"pass mark {cat.pass_mark}/100 · minimum age {cat.minimum_age} · results valid for {validity} "
        f"({cat.validity.clause})\nmunicipal supervisor {sup.name} {sup.line}, {', '.join(sup.hours)}"
    )


def _body_panel(body: Body) -> Panel:
    lines = [
        f"seed {body.seed} · {body.name_en} · filing number {body.filing_number or 'not set'}",
        f"supervision line {body.supervision_line}, {', '.join(body.supervision_hours)}"
        + (f" · consultation {body.consultation_line}" if body.consultation_line else "")
        + (f", {body.consultation_email}" if body.consultation_email else ""),
        f"counter {body.address or '—'}" + (f", working days {', '.join(body.counter_hours)}" if body.counter_hours else ""),
        f"schedule: {_schedule(body)}",
        f"tickets: {_tickets(body)}",
        f"payment: {_payment(body)}",
        f"results: {_results(body)}",
        f"certificates: {_certificates(body)}",
    ]
    parts: list = [text("\n".join(lines)), _fees_table(body)]
    if body.windows:
        parts.append(_windows_table(body))
    return Panel(Group(*parts), title=text(f"{body.code} · {body.name}", "bold"), title_align="left")


def _schedule(body: Body) -> str:
    if body.schedule == "fixed_windows":
        fold = f"; a thin window folds into {body.fold_into}, told {body.fold_notice_days} days ahead" if body.fold_into else ""
        return f"fixed windows{fold}"
    cohort = body.cohort
    extras = [s for s in ("holidays postpone" if body.holidays_postpone else "",
                          f"minimum cohort {cohort.minimum} counted per {cohort.counted_per.replace('_', ' and ')} ({cohort.clause})" if cohort else "",
                          f"theory and skills on one day ({body.same_day.clause})" if body.same_day else "") if s]  # fmt: skip
    return "monthly (applications in month M, evaluated by the end of M+1)" + "".join(f"; {e}" for e in extras)


def _tickets(body: Body) -> str:
    rule = body.tickets
    when = {"once_paid": "once approved, paid and seated", "window": "from the window's download date"}.get(
        rule.available, f"{rule.days} days before the first evaluation day"
    )
    return f"{when} ({rule.clause})"


def _payment(body: Body) -> str:
    rule = body.payment
    if rule.rule == "working_days":
        return f"within {rule.working_days} working days of approval ({rule.clause})"
    return f"within the window's payment dates ({rule.clause})"


def _results(body: Body) -> str:
    service = body.results
    marking = f", {service.working_days_with_marking} where marking is involved" if service.working_days_with_marking else ""
    return f"within {service.working_days} working days of the last subject{marking} ({service.clause})"


def _certificates(body: Body) -> str:
    policy = body.certificate
    parts = [policy.default_form + (", paper on request" if policy.paper_on_request else "")]
    if policy.individual_collect_after_working_days:
        parts.append(f"individuals collect at the counter {policy.individual_collect_after_working_days} working days after issue")
    if policy.lost_reissue:
        parts.append("lost certificates reissued")
    return "; ".join(parts) + f" ({policy.clause})"


def _fees_table(body: Body) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("project", "level", "theory", "skills", "total", "retake per module", "fee clause"):
        table.add_column(heading, justify="right" if heading in ("level", "theory", "skills", "total") else "left")
    for project in body.projects:
        for index, level in enumerate(project.levels):
            table.add_row(
                text(project.title if index == 0 else ""), text(level.level),
                text(_fee(level, "theory")), text(_fee(level, "skills")), text(level.total),
                text(_retake(level)), text(project.fee_clause if index == 0 else ""),
            )  # fmt: skip
    return table


def _fee(level: LevelOffer, code: str) -> str:
    subject = level.subject(code)
    return "–" if subject is None or subject.fee is None else str(subject.fee)


def _retake(level: LevelOffer) -> str:
    prices = [(s.code, s.retake_fee) for s in level.subjects]
    if all(price is None for _, price in prices):
        return "not stated"
    return " / ".join(f"{code} {price if price is not None else 'not stated'}" for code, price in prices)


def _windows_table(body: Body) -> Table:
    table = Table(title="fixed windows", box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    for heading in ("window", "levels", "applications", "payment", "tickets from", "evaluation days"):
        table.add_column(heading)
    for w in body.windows:
        table.add_row(
            text(w.name), text(", ".join(map(str, w.levels))), text(f"{w.applications[0]} – {w.applications[1]}"),
            text(f"{w.payment[0]} – {w.payment[1]}"), text(w.tickets_from), text(", ".join(map(str, w.evaluation_days))),
        )  # fmt: skip
    return table
