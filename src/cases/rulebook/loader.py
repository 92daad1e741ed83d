"""Loading the rule book: every year file, the operator's settings, validated at start-up.

A bad entry stops start-up with `RuleBookError` naming the file and the entry. A later year's notices are
added as a new file; nothing here or in the 2026 file changes for them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cases.errors import DomainError
from cases.rulebook.lookup_errors import NoRuleBookForYear
from cases.rulebook.model import Body, Catalogue, ComplaintTerms

DATA_DIR = Path(__file__).parent / "data"
YEAR_FILE_GLOB = "[0-9][0-9][0-9][0-9].toml"


class RuleBookError(DomainError):
    """The rule book data is malformed: start-up stops here."""

    code = "rulebook_invalid"
    http_status = 500


def _describe_location(raw: dict[str, Any], loc: tuple[Any, ...]) -> str:
    """Turn a pydantic location into `bodies[4] (上海市技师协会).projects[0] (企业人力资源管理师).levels[1]`."""
    parts: list[str] = []
    node: Any = raw
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            label = (node.get("name") or node.get("occupation") or node.get("code")) if isinstance(node, dict) else None
            level = node.get("level") if isinstance(node, dict) else None
            suffix = f" ({label})" if label else (f" (level {level})" if level else "")
            parts[-1] = f"{parts[-1]}[{step}]{suffix}" if parts else f"[{step}]"
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def _validate_catalogue(raw: dict[str, Any], source: str) -> Catalogue:
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = _describe_location(raw, tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        raise RuleBookError(f"rule book {source}: {where}: {message}", entry=where) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RuleBookError(f"rule book {path.name}: cannot be read: {error}") from None


def _apply_operator_settings(raw: dict[str, Any], operator: dict[str, Any], operator_name: str) -> None:
    """Fill what the seeds leave open: filing numbers and retake prices (DOMAIN §4, §8 Decisions)."""
    bodies = {b["code"]: b for b in raw.get("bodies", [])}
    for code, number in operator.get("filing_numbers", {}).items():
        if code in bodies:  # a code no year knows is reported once all years are read
            bodies[code].setdefault("filing_number", number)
    for index, entry in enumerate(operator.get("retake_fees", [])):
        where = f"operator settings {operator_name}: retake_fees[{index}]"
        if entry.get("body") not in bodies:
            continue
        body = bodies[entry["body"]]
        project = next(
            (
                p
                for p in (body or {}).get("projects", [])
                if p["occupation"] == entry.get("occupation") and p.get("work_type") == entry.get("work_type")
            ),
            None,
        )
        level = next((lv for lv in (project or {}).get("levels", []) if lv["level"] == entry.get("level")), None)
        if level is None:
            raise RuleBookError(f"{where}: no such body/project/level", field="retake_fees")
        for subject in level["subjects"]:
            if subject["code"] in entry:
                subject["retake_fee"] = entry[subject["code"]]


@dataclass(frozen=True)
class RuleBook:
    """Every loaded year, looked up by the year a case was applied in."""

    catalogues: dict[int, Catalogue]
    complaint_terms: ComplaintTerms = ComplaintTerms()

    def for_year(self, year: int, *, field: str = "applied_on") -> Catalogue:
        """The year's catalogue; `field` is the input the year came from, named in the error when it is missing."""
        catalogue = self.catalogues.get(year)
        if catalogue is None:
            known = ", ".join(str(y) for y in sorted(self.catalogues))
            raise NoRuleBookForYear(
                f"no rule book for {year} (loaded: {known}); add rulebook/data/{year}.toml",
                field=field,
            )
        return catalogue

    def newest_body(self, code: str) -> Body | None:
        """The body as the newest year that lists it has it (its name, shown on any year's certificate or page)."""
        return next((found for year in reversed(self.years) if (found := self.catalogues[year].body(code))), None)

    @property
    def years(self) -> list[int]:
        return sorted(self.catalogues)


def load_rulebook(
    data_dir: Path | None = None,
    operator_file: Path | None = None,
    standards: dict[str, Any] | None = None,
) -> RuleBook:
    """Read and validate every year file; stop with `RuleBookError` on the first bad entry."""
    directory = data_dir or DATA_DIR
    operator_path = operator_file or DATA_DIR / "operator.toml"
    operator = _read_toml(operator_path)
    if standards is None:
        standards = _standard_ids(DATA_DIR / "standards.toml")
    catalogues: dict[int, Catalogue] = {}
    files = sorted(directory.glob(YEAR_FILE_GLOB))
    if not files:
        raise RuleBookError(f"rule book: no year files in {directory}")
    for path in files:
        raw = _read_toml(path)
        if raw.get("year") != int(path.stem):
            raise RuleBookError(f"rule book {path.name}: year = {raw.get('year')!r} does not match the file name")
        _apply_operator_settings(raw, operator, operator_path.name)
        catalogue = _validate_catalogue(raw, path.name)
        _check_cross_references(catalogue, standards, path.name)
        catalogues[catalogue.year] = catalogue
    known = {b.code for c in catalogues.values() for b in c.bodies}
    for section in ("filing_numbers", "retake_fees"):
        entries = operator.get(section, {})
        codes = entries if isinstance(entries, dict) else [e.get("body") for e in entries]
        for code in codes:
            if code not in known:
                raise RuleBookError(f"operator settings {operator_path.name}: {section}: no body {code!r} in any year")
    try:
        terms = ComplaintTerms(**operator.get("complaints", {}))
    except (ValidationError, TypeError) as error:
        raise RuleBookError(f"operator settings {operator_path.name}: complaints: {error}") from None
    return RuleBook(catalogues, terms)


def _standard_ids(path: Path) -> dict[str, Any]:
    """The standards a project may name (their clause sets are read and checked by `rules.eligibility`, which the
    rule book does not import: rules sit above the rule book)."""
    return dict.fromkeys(_read_toml(path).get("standards", {}))


def _check_cross_references(catalogue: Catalogue, standards: dict[str, Any], source: str) -> None:
    for index, body in enumerate(catalogue.bodies):
        _check_body(body, index, standards, source)


def _check_body(body: Body, index: int, standards: dict[str, Any], source: str) -> None:
    where = f"rule book {source}: bodies[{index}] ({body.name})"
    if not body.filing_number:
        raise RuleBookError(f"{where}: no filing number (set filing_numbers.{body.code} in the operator file)")
    for p_index, project in enumerate(body.projects):
        if project.standard not in standards:
            raise RuleBookError(
                f"{where}.projects[{p_index}] ({project.occupation}): unknown standard {project.standard!r}",
            )
