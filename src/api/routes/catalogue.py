"""The rule book as loaded (DOMAIN §3, §4, §7): each body's supervision line and hours, projects, levels, fees and
retake prices, payment rule, results service level, certificates and fixed windows; the pass mark, validity
years and the municipal supervisor. Published rules, so every reader sees every body."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse

from api.auth import READERS, allow
from api.queries import Reading, reading
from cases.errors import NotFound
from cases.rulebook.loader import RuleBook
from cases.rulebook.model import Catalogue

router = APIRouter(prefix="/catalogue", tags=["catalogue"])
Year = Query(None, ge=2000, le=2100, description="the rule book's year (default: this year's, else the latest loaded)", examples=[2026])


@router.get("", summary="The year's rule book: every body's catalogue and the general rules", responses={404: {"description": "No rule book for that year"}})
def catalogue(year: int | None = Year, _: object = Depends(allow(*READERS)), read: Reading = Depends(reading)) -> JSONResponse:
    return read.json(_catalogue(read.services.app.rulebook, year).model_dump(mode="json"))


@router.get("/{body}", summary="One body's catalogue: lines, hours, projects, fees, payment, results, windows")
def body_catalogue(
    body: Annotated[str, Path(description="the body's code", examples=["wgsh"])], year: int | None = Year,
    _: object = Depends(allow(*READERS)), read: Reading = Depends(reading),
) -> JSONResponse:  # fmt: skip
    return read.json(_body(_catalogue(read.services.app.rulebook, year), body))


def _catalogue(rulebook: RuleBook, year: int | None) -> Catalogue:
    if year is None:
        year = date.today().year if date.today().year in rulebook.years else rulebook.years[-1]
    if year not in rulebook.years:
        raise NotFound(f"no rule book for {year} (loaded: {', '.join(map(str, rulebook.years))})", field="year")
    return rulebook.for_year(year)


def _body(catalogue: Catalogue, code: str) -> dict[str, Any]:
    found = catalogue.body(code)
    if found is None:
        raise NotFound(f"no evaluation body {code!r} in the {catalogue.year} rule book", field="body")
    return {"year": catalogue.year, **found.model_dump(mode="json")}
