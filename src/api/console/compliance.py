"""Compliance pages (DOMAIN §9): find a case (by case id, certificate number, or a full ID number typed in and never
shown back), the case page with its timeline, its state as of a chosen date, a diff between two dates, and register
verification started from the page."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
