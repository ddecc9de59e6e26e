"""UK mobile numbers: one normal form (+447xxxxxxxxx) so imports, Notify and inbound texts match."""

import re

_STRIP = re.compile(r"[\s\-().]")


def normalise_uk_mobile(raw: str | None) -> str | None:
    """'07700 900123', '+44 7700 900123', '447700900123', '0044…' -> '+447700900123'; None if not a UK mobile."""
    if not raw:
        return None
    number = _STRIP.sub("", raw.strip())
    if number.startswith("+"):
        number = number[1:]
    elif number.startswith("00"):
        number = number[2:]
    if number.startswith("44"):
        number = number[2:]
        if number.startswith("0"):  # "+44 (0)7700…"
            number = number[1:]
    elif number.startswith("0"):
        number = number[1:]
    if re.fullmatch(r"7\d{9}", number):
        return "+44" + number
    return None


def display_mobile(normal: str | None) -> str:
    """'+447700900123' -> '07700 900123'."""
    if not normal:
        return ""
    national = "0" + normal[3:]
    return f"{national[:5]} {national[5:]}"
