"""Places the simulated model knows: countries with their capitals, big cities, and the
rooms of a house (for smart-home tools), found in text longest alias first."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from .words import Tok, folded_words

__all__ = ["Country", "Place", "scan_places"]


@dataclass(frozen=True)
class Country:
    name: str
    capital: str
    aliases: tuple[str, ...] = ()
    capital_aliases: tuple[str, ...] = ()
    the: bool = False  # "the United Kingdom"

    @property
    def ref(self) -> str:
        return f"the {self.name}" if self.the else self.name


_COUNTRIES: tuple[Country, ...] = (
    Country("France", "Paris"),
    Country("Germany", "Berlin"),
    Country("Italy", "Rome"),
    Country("Spain", "Madrid"),
    Country("Portugal", "Lisbon"),
    # before England, so "London is the capital of which country?" says the UK
    Country("United Kingdom", "London", ("uk", "u k", "the uk", "britain", "great britain"), the=True),
    Country("England", "London"),
    Country("Scotland", "Edinburgh"),
    Country("Wales", "Cardiff"),
    Country("Ireland", "Dublin", ("republic of ireland",)),
    Country(
        "United States",
        "Washington, D.C.",
        ("united states of america", "usa", "u s a", "u s", "the us", "america"),
        ("washington", "washington dc"),
        the=True,
    ),
    Country("Canada", "Ottawa"),
    Country("Mexico", "Mexico City"),
    Country("Brazil", "Brasília"),
    Country("Argentina", "Buenos Aires"),
    Country("Chile", "Santiago"),
    Country("Peru", "Lima"),
    Country("Colombia", "Bogotá"),
    Country("Venezuela", "Caracas"),
    Country("Cuba", "Havana"),
    Country("Japan", "Tokyo"),
    Country("China", "Beijing", capital_aliases=("peking",)),
    Country("India", "New Delhi", capital_aliases=("delhi",)),
    Country("South Korea", "Seoul", ("korea", "republic of korea")),
    Country("North Korea", "Pyongyang"),
    Country("Russia", "Moscow", ("russian federation",)),
    Country("Australia", "Canberra"),
    Country("New Zealand", "Wellington"),
    Country("Egypt", "Cairo"),
    Country("South Africa", "Pretoria"),
    Country("Nigeria", "Abuja"),
    Country("Kenya", "Nairobi"),
    Country("Ethiopia", "Addis Ababa"),
    Country("Morocco", "Rabat"),
    Country("Turkey", "Ankara", ("türkiye",)),
    Country("Greece", "Athens"),
    Country("Netherlands", "Amsterdam", ("holland",), the=True),
    Country("Belgium", "Brussels"),
    Country("Switzerland", "Bern", capital_aliases=("berne",)),
    Country("Austria", "Vienna"),
    Country("Poland", "Warsaw"),
    Country("Czech Republic", "Prague", ("czechia",), the=True),
    Country("Hungary", "Budapest"),
    Country("Romania", "Bucharest"),
    Country("Croatia", "Zagreb"),
    Country("Ukraine", "Kyiv", capital_aliases=("kiev",)),
    Country("Sweden", "Stockholm"),
    Country("Norway", "Oslo"),
    Country("Denmark", "Copenhagen"),
    Country("Finland", "Helsinki"),
    Country("Iceland", "Reykjavík"),
    Country("Saudi Arabia", "Riyadh"),
    Country("United Arab Emirates", "Abu Dhabi", ("uae", "u a e"), the=True),
    Country("Iran", "Tehran"),
    Country("Pakistan", "Islamabad"),
    Country("Thailand", "Bangkok"),
    Country("Vietnam", "Hanoi", ("viet nam",)),
    Country("Indonesia", "Jakarta"),
    Country("Philippines", "Manila", the=True),
    Country("Malaysia", "Kuala Lumpur"),
    Country("Singapore", "Singapore"),
)

_CITIES = (
    "New York", "Los Angeles", "San Francisco", "Chicago", "Seattle", "Boston", "Miami",
    "Toronto", "Vancouver", "Montreal", "Sydney", "Melbourne", "Mumbai", "Bangalore",
    "Shanghai", "Hong Kong", "Osaka", "Kyoto", "Barcelona", "Milan", "Munich", "Hamburg",
    "Frankfurt", "Istanbul", "Dubai", "Rio de Janeiro", "São Paulo", "Zurich", "Geneva",
    "Manchester", "Lyon", "Marseille",
)  # fmt: skip

_ROOMS = (
    "living room", "dining room", "guest room", "laundry room", "kitchen", "bedroom",
    "bathroom", "office", "garage", "hallway", "basement", "attic", "lounge", "study",
    "nursery", "garden", "porch",
)  # fmt: skip

_Kind = Literal["country", "capital", "city", "room"]


@dataclass(frozen=True)
class Place:
    kind: _Kind
    name: str  # display form: "Paris", "United Kingdom", "living room"
    country: Country | None = None

    @property
    def ref(self) -> str:  # for prose: "the United Kingdom"
        return self.country.ref if self.kind == "country" and self.country else self.name


def _build_index() -> dict[tuple[str, ...], list[Place]]:
    index: dict[tuple[str, ...], list[Place]] = {}

    def add(alias: str, place: Place) -> None:
        key = tuple(folded_words(alias).split())
        if key and place not in index.setdefault(key, []):
            index[key].append(place)

    # registration order is lookup priority: countries first, so "Singapore" is a country
    for c in _COUNTRIES:
        for alias in (c.name, *c.aliases):
            add(alias, Place("country", c.name, c))
    for c in _COUNTRIES:
        for alias in (c.capital, *c.capital_aliases):
            add(alias, Place("capital", c.capital, c))
    for city in _CITIES:
        add(city, Place("city", city))
    for room in _ROOMS:
        add(room, Place("room", room))
    return index


_INDEX = _build_index()
_MAX_ALIAS = max(len(k) for k in _INDEX)


def scan_places(toks: Sequence[Tok], kinds: Collection[str], skip: frozenset[int] = frozenset()) -> list[Place]:
    """Known places in text order, longest alias first ("mexico city" beats "mexico")."""
    norms = [t.norm for t in toks]
    found: list[Place] = []
    i = 0
    while i < len(norms):
        for n in range(min(_MAX_ALIAS, len(norms) - i), 0, -1):
            if any(j in skip for j in range(i, i + n)):
                continue
            place = next((p for p in _INDEX.get(tuple(norms[i : i + n]), ()) if p.kind in kinds), None)
            if place is not None:
                found.append(place)
                i += n
                break
        else:
            i += 1
    return found

