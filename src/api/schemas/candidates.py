"""Looking a candidate up by ID number (POST /candidates/lookup), which never travels in a URL."""

from __future__ import annotations

from pydantic import Field

from api.schemas.fields import EXAMPLE_ID_NUMBER, Body


class CandidateLookup(Body):
    """The ID number travels in the body, never in a URL (URLs are logged and cached)."""

    id_number: str = Field(min_length=15, max_length=24, description="18-character resident ID (GB 11643)", examples=[EXAMPLE_ID_NUMBER])
