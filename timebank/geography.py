"""French départements and regions, derived from a postal code.

The 2016 regions; overseas départements have three-digit codes. Used to file companies by region
so that needs can be filtered and matched by place.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from matching.geo import haversine_km
from timebank import refusals

_REGION_DEPARTEMENTS: Final[dict[str, tuple[str, ...]]] = {
    "Auvergne-Rhône-Alpes": (
        "01",
        "03",
        "07",
        "15",
        "26",
        "38",
        "42",
        "43",
        "63",
        "69",
        "73",
        "74",
    ),
    "Bourgogne-Franche-Comté": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "Bretagne": ("22", "29", "35", "56"),
    "Centre-Val de Loire": ("18", "28", "36", "37", "41", "45"),
    "Corse": ("2A", "2B"),
    "Grand Est": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "Hauts-de-France": ("02", "59", "60", "62", "80"),
    "Île-de-France": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "Normandie": ("14", "27", "50", "61", "76"),
    "Nouvelle-Aquitaine": (
        "16",
        "17",
        "19",
        "23",
        "24",
        "33",
        "40",
        "47",
        "64",
        "79",
        "86",
        "87",
    ),
    "Occitanie": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "Pays de la Loire": ("44", "49", "53", "72", "85"),
    "Provence-Alpes-Côte d'Azur": ("04", "05", "06", "13", "83", "84"),
    "Guadeloupe": ("971",),
    "Martinique": ("972",),
    "Guyane": ("973",),
    "La Réunion": ("974",),
    "Mayotte": ("976",),
}

REGION_OF_DEPARTEMENT: Final[dict[str, str]] = {
    departement: region
    for region, departements in _REGION_DEPARTEMENTS.items()
    for departement in departements
}
REGIONS: Final[tuple[str, ...]] = tuple(_REGION_DEPARTEMENTS)
# Alsace-Moselle keeps two extra public holidays (Good Friday, 26 December).
ALSACE_MOSELLE_DEPARTEMENTS: Final = frozenset({"57", "67", "68"})


def departement_of(postal_code: str) -> str:
    """The département code of a French postal code (2A/2B for Corsica, 97x overseas)."""
    if postal_code.startswith("97"):
        departement = postal_code[:3]
    elif postal_code.startswith("20"):
        departement = "2A" if int(postal_code) < 20200 else "2B"
    else:
        departement = postal_code[:2]
    if departement not in REGION_OF_DEPARTEMENT:
        raise refusals.UNKNOWN_DEPARTEMENT.error(postal_code=postal_code)
    return departement


def region_of(departement: str) -> str:
    return REGION_OF_DEPARTEMENT[departement]


def distance_km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    """Great-circle (haversine) distance with an Earth radius of 6 371 km."""
    return haversine_km(lat_a, lon_a, lat_b, lon_b)


def public_holidays(year: int, alsace_moselle: bool) -> frozenset[date]:
    """French public holidays of a year (the maintained `holidays` calendar); in Alsace-Moselle
    also Good Friday and 26 December."""
    import holidays

    calendar = holidays.country_holidays("FR", years=year, subdiv="57" if alsace_moselle else None)
    return frozenset(calendar.keys())
