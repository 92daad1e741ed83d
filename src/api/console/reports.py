"""Reports: the monthly report as a table and a chart, with CSV and Excel downloads."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
