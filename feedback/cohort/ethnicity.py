"""DfE school census (CBDS) ethnicity codes: the 20 main codes, the extended codes that roll up to
them, and the major groups used in reports.

Grouping used for reports: the five ONS/GSS harmonised groups plus Unknown, as DfE publishes them
since it aligned with the ONS (Chinese counted under Asian, "Asian - Chinese"): White, Mixed,
Asian, Black, Other, Unknown. Refused (REFU), not yet obtained (NOBT) and blank are Unknown: shown
in tables but left out of shares. "Ethnic minorities" (ONS and Race Disparity Unit wording) means
every group except White British, White minorities included; Unknown is in neither.
"""

from __future__ import annotations

from sqlalchemy import case

MAIN_CODES: dict[str, str] = {
    "WBRI": "White - British",
    "WIRI": "White - Irish",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "WOTH": "Any other White background",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black - African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

# DfE's extended codes (local authorities may collect them) and the main code each rolls up to.
EXTENDED_CODES: dict[str, tuple[str, str]] = {
    # White - British
    "WENG": ("English", "WBRI"),
    "WSCO": ("Scottish", "WBRI"),
    "WWEL": ("Welsh", "WBRI"),
    "WCOR": ("Cornish", "WBRI"),
    "WOWB": ("Other White British", "WBRI"),
    # Gypsy/Roma (sub-codes added to CBDS later than the others)
    "WROG": ("Gypsy", "WROM"),
    "WROR": ("Roma", "WROM"),
    "WROO": ("Other Gypsy/Roma", "WROM"),
    # Any other White background
    "WALB": ("Albanian", "WOTH"),
    "WBOS": ("Bosnian-Herzegovinian", "WOTH"),
    "WCRO": ("Croatian", "WOTH"),
    "WGRE": ("Greek/Greek Cypriot", "WOTH"),
    "WGRK": ("Greek", "WOTH"),
    "WGRC": ("Greek Cypriot", "WOTH"),
    "WITA": ("Italian", "WOTH"),
    "WKOS": ("Kosovan", "WOTH"),
    "WPOR": ("Portuguese", "WOTH"),
    "WSER": ("Serbian", "WOTH"),
    "WTUR": ("Turkish/Turkish Cypriot", "WOTH"),
    "WTUK": ("Turkish", "WOTH"),
    "WTUC": ("Turkish Cypriot", "WOTH"),
    "WEUR": ("White European", "WOTH"),
    "WEEU": ("White Eastern European", "WOTH"),
    "WWEU": ("White Western European", "WOTH"),
    "WOTW": ("White other", "WOTH"),
    # White and Asian
    "MWAP": ("White and Pakistani", "MWAS"),
    "MWAI": ("White and Indian", "MWAS"),
    "MWAO": ("White and any other Asian background", "MWAS"),
    # Any other mixed background
    "MAOE": ("Asian and any other ethnic group", "MOTH"),
    "MABL": ("Asian and Black", "MOTH"),
    "MACH": ("Asian and Chinese", "MOTH"),
    "MBOE": ("Black and any other ethnic group", "MOTH"),
    "MBCH": ("Black and Chinese", "MOTH"),
    "MCOE": ("Chinese and any other ethnic group", "MOTH"),
    "MWOE": ("White and any other ethnic group", "MOTH"),
    "MWCH": ("White and Chinese", "MOTH"),
    "MOTM": ("Other mixed background", "MOTH"),
    # Pakistani
    "AMPK": ("Mirpuri Pakistani", "APKN"),
    "AKPA": ("Kashmiri Pakistani", "APKN"),
    "AOPK": ("Other Pakistani", "APKN"),
    # Any other Asian background
    "AAFR": ("African Asian", "AOTH"),
    "AKAO": ("Kashmiri other", "AOTH"),
    "ANEP": ("Nepali", "AOTH"),
    "ASNL": ("Sri Lankan Sinhalese", "AOTH"),
    "ASLT": ("Sri Lankan Tamil", "AOTH"),
    "ASRO": ("Sri Lankan other", "AOTH"),
    "AOTA": ("Other Asian", "AOTH"),
    # Black - African
    "BANN": ("Angolan", "BAFR"),
    "BCON": ("Congolese", "BAFR"),
    "BGHA": ("Ghanaian", "BAFR"),
    "BNGN": ("Nigerian", "BAFR"),
    "BSLN": ("Sierra Leonean", "BAFR"),
    "BSOM": ("Somali", "BAFR"),
    "BSUD": ("Sudanese", "BAFR"),
    "BAOF": ("Other Black African", "BAFR"),
    # Any other Black background
    "BEUR": ("Black European", "BOTH"),
    "BNAM": ("Black North American", "BOTH"),
    "BOTB": ("Other Black", "BOTH"),
    # Chinese
    "CHKC": ("Hong Kong Chinese", "CHNE"),
    "CMAL": ("Malaysian Chinese", "CHNE"),
    "CSNG": ("Singaporean Chinese", "CHNE"),
    "CTWN": ("Taiwanese", "CHNE"),
    "COCH": ("Other Chinese", "CHNE"),
    # Any other ethnic group
    "OAFG": ("Afghan", "OOTH"),
    "OARA": ("Arab", "OOTH"),
    "OEGY": ("Egyptian", "OOTH"),
    "OFIL": ("Filipino", "OOTH"),
    "OIRN": ("Iranian", "OOTH"),
    "OIRQ": ("Iraqi", "OOTH"),
    "OJPN": ("Japanese", "OOTH"),
    "OKOR": ("Korean", "OOTH"),
    "OKRD": ("Kurdish", "OOTH"),
    "OLAM": ("Latin American", "OOTH"),
    "OLEB": ("Lebanese", "OOTH"),
    "OLIB": ("Libyan", "OOTH"),
    "OMAL": ("Malay", "OOTH"),
    "OMRC": ("Moroccan", "OOTH"),
    "OPOL": ("Polynesian", "OOTH"),
    "OTHA": ("Thai", "OOTH"),
    "OVIE": ("Vietnamese", "OOTH"),
    "OYEM": ("Yemeni", "OOTH"),
    "OOEG": ("Other ethnic group", "OOTH"),
}


WHITE_BRITISH = "WBRI"

# Major groups in report order: key -> label.
GROUPS: dict[str, str] = {
    "white": "White",
    "mixed": "Mixed or Multiple ethnic groups",
    "asian": "Asian or Asian British (including Chinese)",
    "black": "Black, Black British, Caribbean or African",
    "other": "Other ethnic group",
    "unknown": "Unknown or refused",
}

MAJOR_GROUP: dict[str, str] = {
    **{c: "white" for c in ("WBRI", "WIRI", "WIRT", "WROM", "WOTH")},
    **{c: "mixed" for c in ("MWBC", "MWBA", "MWAS", "MOTH")},
    **{c: "asian" for c in ("AIND", "APKN", "ABAN", "AOTH", "CHNE")},
    **{c: "black" for c in ("BCRB", "BAFR", "BOTH")},
    "OOTH": "other",
    "REFU": "unknown",
    "NOBT": "unknown",
}

_LOOKUP: dict[str, str] = {**{c: c for c in MAIN_CODES}, **{c: main for c, (_, main) in EXTENDED_CODES.items()}}


def main_code(raw: str | None) -> str | None:
    """The main code for a main or extended code in any case; None for blank. Raises ValueError if unknown."""
    code = (raw or "").strip().upper()
    if not code:
        return None
    try:
        return _LOOKUP[code]
    except KeyError:
        raise ValueError(code) from None


def label(code: str | None) -> str:
    """'AIND' -> 'Indian'; extended codes give their own label; None -> 'Not known'."""
    if not code:
        return "Not known"
    if code in MAIN_CODES:
        return MAIN_CODES[code]
    return EXTENDED_CODES[code][0] if code in EXTENDED_CODES else code


def major_group(code: str | None) -> str:
    """Major group key (see GROUPS) of a main or extended code; 'unknown' for None, REFU and NOBT."""
    if not code:
        return "unknown"
    return MAJOR_GROUP.get(_LOOKUP.get(code.upper(), ""), "unknown")


def is_minority(code: str | None) -> bool | None:
    """Ethnic minority in the ONS sense (not White British); None when unknown or refused."""
    if not code or major_group(code) == "unknown":
        return None
    return _LOOKUP.get(code.upper()) != WHITE_BRITISH


def major_group_case(column):
    """SQL CASE giving the major group key of a column of main codes, for GROUP BY in the database."""
    whens = [(column.in_([c for c, g in MAJOR_GROUP.items() if g == key]), key) for key in GROUPS if key != "unknown"]
    return case(*whens, else_="unknown")
