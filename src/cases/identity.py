"""Candidate (参评人员): 18-character resident ID number (GB 11643), 16+ on applying (DOMAIN.md §1; all seeds 二(一)).

A full ID number never leaves this module in a message, a repr or an id: errors name only the check that failed,
`ResidentId` shows itself masked, and stream ids come from a keyed hash (`candidate_key`). A holder's name given
to a public check is matched as `same_name` says.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
import uuid
from dataclasses import dataclass, field as dataclass_field
from datetime import date

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError
from stdnum.util import clean

from cases.errors import InvalidInput, RuleViolation

MINIMUM_AGE = 16
MINIMUM_AGE_CLAUSE = "all seeds 二(一): 年满16周岁"
# Decision: a birth date before 1900 is a typo, not a candidate.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
# Fixed namespace for candidate stream ids; changing it would orphan every candidate stream.
CANDIDATE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:cases:candidate")

_REASONS = {
    "length": "ID number must be 18 characters long",
    "format": "ID number must be 17 digits followed by a digit or X",
    "check digit": "ID number check digit does not match (MOD 11-2)",
    "birth date": "ID number does not carry a valid past birth date",
    "region": "ID number does not start with a known administrative region code",
}


class InvalidIdNumber(InvalidInput):
    """The ID number failed one named check; the message never quotes the number."""

    code = "invalid_id_number"

    @property
    def reason(self) -> str:
        return self.details["reason"]


class UnderAge(RuleViolation):
    """The candidate is younger than 16 on the application date (all seeds 二(一))."""

    code = "under_age"


@dataclass(frozen=True)
class ResidentId:
    """A validated resident ID number; repr and str show only the masked form."""

    number: str = dataclass_field(repr=False)
    birth_date: date = dataclass_field(repr=False)
    region_code: str = dataclass_field(repr=False)
    gender: str = dataclass_field(repr=False)

    def masked(self) -> str:
        """First 3 and last 4 characters: the province and the sequence/check digits, never the birth date."""
        return _mask(self.number)

    def __repr__(self) -> str:
        return f"ResidentId({self.masked()!r})"

    def __str__(self) -> str:
        return self.masked()


def _refuse(reason: str, field: str) -> InvalidIdNumber:
    return InvalidIdNumber(_REASONS[reason], field=field, reason=reason)


def _is_known_region(code: str) -> bool:
    # Any era counts: stdnum's validate() also refuses a code created after the birth year (浦东新区 310115 for
    # someone born in 1990), yet numbers are issued where one lives when first registered, so such numbers are real.
    return any("county" in props for _part, props in numdb.get("cn/loc").info(code))


def parse_id_number(raw: str, *, field: str = "id_number", today: date | None = None) -> ResidentId:
    """Check length, format, check digit, birth date, region, in order; `InvalidIdNumber` names the first failure."""
    if not isinstance(raw, str):
        raise _refuse("format", field)
    number = clean(raw, " -").upper().strip()
    if len(number) != 18:
        raise _refuse("length", field)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise _refuse("format", field)
    if number[-1] != ric.calc_check_digit(number):
        raise _refuse("check digit", field)
    try:
        birth_date = ric.get_birth_date(number)
    except ValidationError:
        raise _refuse("birth date", field) from None
    if not EARLIEST_BIRTH_DATE <= birth_date <= (today or date.today()):
        raise _refuse("birth date", field)
    if not _is_known_region(number[:6]):
        raise _refuse("region", field)
    return ResidentId(
        number=number,
        birth_date=birth_date,
        region_code=number[:6],
        gender="M" if int(number[16]) % 2 else "F",
    )


def age_on(birth_date: date, on: date) -> int:
    """Whole years (周岁) on a date; a 29 Feb birthday turns a year older on 1 Mar in common years."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_minimum_age(
    resident: ResidentId, on: date, *, minimum: int = MINIMUM_AGE, field: str = "id_number"
) -> None:
    """Refuse a candidate younger than `minimum` on the application date (all seeds 二(一)); the birthday counts."""
    age = age_on(resident.birth_date, on)
    if age < minimum:
        raise UnderAge(
            f"candidate is {age} on the application date {on.isoformat()}; the minimum age is {minimum}",
            field=field,
            clause=MINIMUM_AGE_CLAUSE,
            minimum_age=minimum,
            age=age,
            application_date=on.isoformat(),
        )


def candidate_key(number: str, secret: bytes) -> str:
    """The candidate's pseudonymous key: HMAC-SHA256 (hex) of the compact number under a deployment secret."""
    if not secret:
        raise ValueError("candidate_key needs a non-empty secret")
    compact = clean(number, " -").upper().strip()
    return hmac.new(secret, compact.encode("ascii"), hashlib.sha256).hexdigest()


def candidate_stream_id(number: str, secret: bytes) -> uuid.UUID:
    """A stable stream id for the candidate: uuid5 over `candidate_key`, so it reveals nothing of the number."""
    return uuid.uuid5(CANDIDATE_NAMESPACE, candidate_key(number, secret))


def same_name(held: str, given: str) -> bool:
    """Whether a name given (a public check's) is the holder's: both NFKC-normalised (full-width letters as plain
    ones) and trimmed, compared in constant time, so the answer's timing says nothing of how much of it matched."""

    def normal(text: str) -> bytes:
        return unicodedata.normalize("NFKC", text).strip().encode()

    return hmac.compare_digest(normal(held), normal(given))


# 17 digits then a digit or X, optionally grouped 6-8-4 by a space or hyphen; no digit boundaries, so an ID number
# inside a longer digit run is masked too.
_SEP = r"(?:[ +-]|%20)?"  # a space may arrive form-encoded ("+") or percent-encoded ("%20")
_ID_NUMBER = re.compile(rf"[0-9]{{6}}{_SEP}[0-9]{{8}}{_SEP}[0-9]{{3}}[0-9Xx]")
# A run of 21 or more digits is no ID number (e.g. MIGU's certificate numbers: S000031400071 + 9 digits).
_LONGEST_ID_RUN = 20
# A mainland mobile number (1[3-9] + 9 digits), optionally grouped 3-4-4 and after a +86/0086 prefix,
# not inside a longer digit run.
_MOBILE = re.compile(rf"(?:(?<![0-9])|(?<=86))1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}(?![0-9])")


def _mask(number: str) -> str:
    compact = re.sub(r"[ -]", "", number).upper()
    return compact[:3] + "*" * (len(compact) - 7) + compact[-4:]


def mask_id_number(text_or_number: str) -> str:
    """Mask every ID-number-shaped run in the text as first 3 + 11 stars + last 4 ("110***********123X")."""
    def masked(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        while start > 0 and text_or_number[start - 1].isdigit():
            start -= 1
        while end < len(text_or_number) and text_or_number[end].isdigit():
            end += 1
        return match.group() if end - start > _LONGEST_ID_RUN else _mask(match.group())

    return _ID_NUMBER.sub(masked, text_or_number)


def mask_phone(number: str) -> str:
    """Mask a phone number as first 3 + stars + last 4 ("13812345678" → "138****5678"); a short one is all stars."""
    digits = re.sub(r"[^0-9]", "", number)
    digits = re.sub(r"^(?:0086|86)(?=1[0-9]{10}$)", "", digits)
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_phones(text: str) -> str:
    """Mask every mainland mobile number in the text."""
    return _MOBILE.sub(lambda m: mask_phone(m.group()), text)


# A complainant's contact (DOMAIN §10 Privacy) may also be a landline with its area code, written any of the ways
# people write one (021-62715879, (021) 6271 5879, +86 21 6271 5879, 021－62715879), or an e-mail address.
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z\-])(?:\+86[ \-]?|\(?0)[1-9][0-9]{1,2}\)?[ \-－]?[0-9]{3,4}[ \-－]?[0-9]{4}(?![0-9A-Za-z\-])"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_SHAPED = re.compile(r"[0-9 ()+\-－]{7,}")


def mask_contact(contact: str | None) -> str | None:
    """One complainant's contact as those who do not handle the complaint see it: a phone number as 139****5678
    (first 3 and last 4 digits), an e-mail address as l***@example.com, anything else (an address) by its first
    two characters, digits starred."""
    if not contact:
        return contact
    text = contact.strip()
    if _PHONE_SHAPED.fullmatch(text):
        return mask_phone(text)
    if text.count("@") == 1:
        local, domain = text.split("@")
        return f"{local[:1]}***@{domain}"
    return re.sub(r"[0-9]", "*", text[:2]) + "***"


def mask_contacts(text: str) -> str:
    """Every mobile number, landline number and e-mail address in the text, masked as `mask_contact` does."""
    text = mask_phones(text)
    text = _LANDLINE.sub(lambda m: mask_phone(m.group()), text)
    return _EMAIL.sub(lambda m: mask_contact(m.group()) or "", text)


def make_test_id_number(region: str = "110101", birth: date = date(1990, 1, 1), sequence: int = 123) -> str:
    """A valid ID number (MOD 11-2 check digit) for tests and the demo; odd sequences are male, even female."""
    if not re.fullmatch(r"[0-9]{6}", region) or not 0 <= sequence <= 999:
        raise ValueError("region must be 6 digits and sequence 0-999")
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")
