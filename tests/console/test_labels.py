"""Every label the console can show has its Chinese (issue 14: "Chinese labels first"; GLOSSARY.md for the words):
each key a template or console module names outright, and each family a template builds from a domain value
(`t("case_stage." ~ stage)`) for every value the domain can give it. A key without Chinese would show the English
key alone, as the ticket check once showed `stage.withdrawn`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.console import hotline, registrar
from api.console.strings import LABELS, PLAIN_WORDS
from api.routes.reports import MEASURES
from cases.aggregates import case_stages, complaint
from cases.projections.monthly_report_queries import COLUMNS
from cases.rules.sanctions import TIERS

CONSOLE = Path(hotline.__file__).parent
AGGREGATES = Path(case_stages.__file__).parent
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")
FAMILY = re.compile(r"""\bt\(\s*["']([a-z_]+\.)["']\s*~""")


def assigned(attribute: str, *modules: str) -> set[str]:
    """The string values the aggregates assign to `self.<attribute>` (every stage a case can be in, every status of
    a sitting), read from their source: no list is kept by hand beside the aggregate."""
    pattern = re.compile(rf"""self\.{attribute} = "([a-z_]+)\"""")
    found: set[str] = set()
    for module in modules:
        for path in [AGGREGATES / module] if (AGGREGATES / module).is_file() else (AGGREGATES / module).rglob("*.py"):
            found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


CASE_STAGES = (
    assigned("stage", "evaluation_case.py", "case_commands")
    | set(case_stages.ENDED) | set(case_stages.SETTLED) | set(case_stages.AFTER_BAN.values())
)
FAMILIES: dict[str, set[str]] = {
    "case_stage.": CASE_STAGES,
    "stage.": set(complaint.STAGES),
    "category.": set(complaint.CATEGORIES),
    "standing.": set(complaint.STANDINGS),
    "outcome.": set(complaint.OUTCOMES),
    "escalation.": set(complaint.ESCALATION_REASONS),
    "channel.": set(hotline.CHANNELS),
    "level.": set(hotline.LEVELS),
    "tier.": set(TIERS),
    "command.": set(hotline.COMMANDS),
    "action.": {action.name for action in registrar.ACTIONS},
    "result.": {action.name for action in registrar.ACTIONS},
    "worklist.": {name for name, _, _ in registrar.LISTS},
    "sitting_status.": assigned("status", "sitting.py"),
    "status.": {"valid", "revoked", "replaced"},
    "outcome_v.": {"running", "equal", "differ", "behind", "failed"},
    "report.": set(COLUMNS) | set(MEASURES),
}


def sources() -> list[Path]:
    return [*CONSOLE.glob("templates/*.html"), *CONSOLE.glob("*.py")]


def test_every_key_the_console_names_has_its_chinese():
    missing = sorted(
        f"{path.name}: {key}" for path in sources() for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
        if not (LABELS.get(key) or (None, ""))[0]
    )  # fmt: skip
    assert not missing, "\n".join(missing)


def test_every_family_a_template_builds_is_known_here():
    built = {prefix for path in CONSOLE.glob("templates/*.html") for prefix in FAMILY.findall(path.read_text(encoding="utf-8"))}
    assert built <= set(FAMILIES), f"a template builds keys from {sorted(built - set(FAMILIES))}: add its values here"


@pytest.mark.parametrize("prefix", sorted(FAMILIES))
def test_every_value_the_domain_gives_a_family_has_its_chinese(prefix):
    assert FAMILIES[prefix], f"no values found for {prefix}"
    missing = sorted(f"{prefix}{value}" for value in FAMILIES[prefix] if not (LABELS.get(f"{prefix}{value}") or (None, ""))[0])
    assert not missing, missing


def test_the_plain_words_are_labels_with_chinese():
    assert not {key for key in PLAIN_WORDS if not (LABELS.get(key) or (None, ""))[0]}
