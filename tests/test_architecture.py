"""The import layers hold (issue 13): `lint-imports` checks pyproject.toml's contracts — entrypoints on top, then the
demo, the service layer, the read side, the domain and the foundations; read models on their engine; no import
circle among the modules of any package. A failure prints the offending import chains."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("contract", ["layers", "read-side", "no-circles"])
def test_the_import_contract_holds(contract: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), limit_to_contracts=(contract,), no_cache=True, no_logo=True) == 0


def test_nothing_in_the_domain_package_imports_an_entrypoint() -> None:
    """Also by text, so a lazy import inside a function cannot hide: `cases` never imports `api` or `cli`."""
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "src" / "cases").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip().startswith(("from api", "import api", "from cli", "import cli"))
    ]
    assert offending == []
