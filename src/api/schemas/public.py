"""Public verification: what anyone may learn of a certificate."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class PublicCertificate(BaseModel):
    """What anyone may learn of a certificate: never the holder's ID number, not even masked."""

    number: str
    holder_name: str
    body: str
    body_name: str | None
    occupation: str
    work_type: str | None
    level: int
    issued_on: date
    collectable_from: date | None = Field(
        description="the first day an individual may collect the paper certificate at the counter (seeds 000/001 五); none for a group's, an electronic one or a reissue"
    )
    collectable_from_provisional: bool | None = Field(description="true when that day may still move (counted across a year whose holiday arrangement is not published)")
    status: Literal["valid", "revoked", "replaced"]
    status_on: date | None = Field(description="the day it was revoked or replaced")
    replaced_by: str | None = Field(description="the number of the certificate that replaced it")
