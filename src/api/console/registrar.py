"""Registrars' pages: worklists, the case actions as forms that show the rule's answer, the month's sitting plan."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
