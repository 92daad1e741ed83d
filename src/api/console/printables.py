"""Printables: the electronic certificate and the admission ticket (准考证), each with a QR code opening the
verification page."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
