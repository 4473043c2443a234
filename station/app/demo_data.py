"""Generate the demo catalogue, orders, box types and badges, the same bytes for a seed.

`python -m station.app.demo_data resources/demo` rewrites the committed demo files. Every
barcode is a fictitious GS1 example prefix (EAN-13 under 4012345, UPC-A under 614141), every
email is under example.com/.org/.net and every link under shop.example, so nothing in the
demo can reach a real product, person or shop.
"""

from __future__ import annotations

import copy
import json
import random
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from station.app.demo_catalogue import (
    AUTHORS,
    BOOK_ADJECTIVES,
    BOOK_NOUNS,
    BOOK_TOPICS,
    BOXES,
    CATEGORIES,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    PACKERS,
    Category,
    Kind,
)
from station.domain.barcodes import gs1_check_digit

EAN_PREFIX = "4012345"  # GS1 Germany's example company prefix
UPC_PREFIX = "614141"  # GS1 US's example company prefix
SHOP = "https://shop.example"


@dataclass(frozen=True, slots=True)
class DemoData:
    """The four demo files' contents, as JSON-ready values."""

    products: list[dict]
    orders: list[dict]
    boxes: list[dict]
    packers: list[dict]


def generate_demo_data(seed: int = 7) -> DemoData:
    """Build the demo catalogue, orders, boxes and packers from `seed`."""
    rng = random.Random(seed)
    products = _products(rng)
    orders = _orders(rng, products, count=80)
    return DemoData(products, orders, copy.deepcopy(BOXES), copy.deepcopy(PACKERS))


def write_demo_data(folder: Path, *, seed: int = 7) -> list[Path]:
    """Write products.jsonl, orders.jsonl, boxes.json and packers.json; return their paths."""
    data = generate_demo_data(seed)
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "products.jsonl": "".join(_json(p) + "\n" for p in data.products),
        "orders.jsonl": "".join(_json(o) + "\n" for o in data.orders),
        "boxes.json": _json(data.boxes, indent=2) + "\n",
        "packers.json": _json(data.packers, indent=2) + "\n",
    }
    for name, text in texts.items():
        # Bytes, not text mode, so Windows line endings never change the committed files.
        (folder / name).write_bytes(text.encode("utf-8"))
    return [folder / name for name in texts]


def _json(value, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def _products(rng: random.Random) -> list[dict]:
    total = sum(c.count for c in CATEGORIES)
    refs = rng.sample(range(1000, 100_000), total)  # unique item references
    alias = 1000
    products: list[dict] = []
    titles: set[str] = set()
    for category in CATEGORIES:
        for i in range(category.count):
            kind, title = _title(rng, category, i, titles)
            ref = refs[len(products)]
            # Some goods come from US suppliers with UPC-A codes.
            code = f"{UPC_PREFIX if rng.random() < 0.15 else EAN_PREFIX}{ref:05d}"
            barcodes = [code + str(gs1_check_digit(code))]
            if rng.random() < 0.12:
                alias += rng.randint(1, 40)
                barcodes.append(f"ALIAS-{alias}")
            grams = rng.randint(*kind.weight_g)
            products.append({
                "sku": f"{category.code}-{i + 1:04d}",
                "title": title,
                "barcodes": barcodes,
                "unit_weight_g": grams if grams < 200 else round(grams / 5) * 5,
                "dimensions_mm": [round(d * rng.uniform(0.92, 1.08)) for d in kind.dims_mm],
                "category": category.name,
                "fragile": kind.fragile,
                "requires_serial": category.serial,
                "requires_lot": category.lot,
            })
    return products


def _title(rng: random.Random, category: Category, i: int, seen: set[str]) -> tuple[Kind, str]:
    """Return a kind and a title not yet in `seen`, varying brand and options until unique."""
    for attempt in range(200):
        kind = category.kinds[(i + attempt // 20) % len(category.kinds)]
        if category.brands:
            parts = [f"{rng.choice(category.brands)} {kind.name}"]
        else:
            parts = [f"{_book_title(rng)} by {rng.choice(AUTHORS)}", kind.name]
        if kind.options:
            parts.append(rng.choice(kind.options))
        if category.sizes:
            parts.append(rng.choice(category.sizes))
        title = ", ".join(parts)
        if title not in seen:
            seen.add(title)
            return kind, title
    raise ValueError(f"cannot make {category.count} distinct {category.name} titles")


def _book_title(rng: random.Random) -> str:
    adjective, noun = rng.choice(BOOK_ADJECTIVES), rng.choice(BOOK_NOUNS)
    topic = rng.choice(BOOK_TOPICS)
    return rng.choice([f"The {adjective} {noun}", f"The {noun} at the {rng.choice(BOOK_NOUNS)}",
                       f"A Short History of {topic}", f"The Art of {topic}"])


def _orders(rng: random.Random, products: list[dict], count: int) -> list[dict]:
    orders: list[dict] = []
    number, tote, pick_list = 100100, 0, 400
    ids: set[str] = set()
    for _ in range(count):
        number += rng.randint(1, 7)
        country = rng.choices(list(COUNTRY_WEIGHTS), weights=list(COUNTRY_WEIGHTS.values()))[0]
        order_id = _order_id(rng, ids)
        order_number = f"SO-{number}"
        order = {"order_id": order_id, "order_number": order_number,
                 **_customer(rng, country), "lines": _lines(rng, products)}
        if rng.random() < 0.9:
            first = order["customer"]["first_name"]
            order["insert"] = {"message": COUNTRIES[country][5].format(first=first),
                               "review_url": f"{SHOP}/review/{order_number}",
                               "returns_url": f"{SHOP}/returns/{order_number}"}
        if rng.random() < 0.45:
            tote += 1
            pick_list += rng.randint(1, 3)
            order["pick_list_id"] = f"PL-{pick_list:05d}"
            order["tote_id"] = f"TOTE-{tote:04d}"
        orders.append(order)
    return orders


def _order_id(rng: random.Random, taken: set[str]) -> str:
    while True:
        order_id = "ord_" + "".join(rng.choices("0123456789abcdefghjkmnpqrstvwxyz", k=14))
        if order_id not in taken:
            taken.add(order_id)
            return order_id


def _lines(rng: random.Random, products: list[dict]) -> list[dict]:
    n = 1 if rng.random() < 0.55 else rng.choices([2, 3, 4, 5, 6], weights=[40, 28, 16, 10, 6])[0]
    lines = []
    for position, product in enumerate(rng.sample(products, n), start=1):
        qty = rng.choices([1, 2, 3], weights=[90, 10, 0] if product["requires_serial"]
                          else [75, 18, 7])[0]
        line = {"line_id": str(position), "sku": product["sku"], "qty": qty}
        # Some shops sell regulated goods from one named lot; the station must check it.
        if product["requires_lot"] and rng.random() < 0.3:
            line["lot"] = f"L{rng.randint(24, 25)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            line["lot"] += rng.choice("ABC")
        lines.append(line)
    return lines


def _customer(rng: random.Random, country: str) -> dict:
    first_names, last_names, cities, streets, carriers, _ = COUNTRIES[country]
    first = rng.choice(first_names.split())
    lasts = last_names.split(";")
    last = rng.choice(lasts)
    if country == "ES":  # two surnames
        last = f"{last} {rng.choice([n for n in lasts if n != last])}"
    city, region, spec = rng.choice(cities.split(";")).split("|")
    carrier, service = rng.choice(carriers.split(";")).split(":")
    local = rng.choice([f"{_ascii(first)}.{_ascii(last)}", f"{_ascii(first)[0]}{_ascii(last)}",
                        f"{_ascii(first)}{rng.randint(1, 99)}"])
    domain = rng.choice(["example.com", "example.org", "example.net"])
    return {
        "customer": {"first_name": first, "last_name": last, "email": f"{local}@{domain}"},
        "ship_to": {"name": f"{first} {last}",
                    "street": _street(rng, country, rng.choice(streets.split(";"))),
                    "city": city, "postal_code": _postal_code(rng, country, spec),
                    "region": region, "country": country},
        "carrier": carrier, "service": service,
    }


def _street(rng: random.Random, country: str, street: str) -> str:
    n = rng.randint(1, 180)
    if country == "US":
        return f"{rng.randint(10, 4999)} {street}" + (
            f", Apt {rng.randint(1, 40)}{rng.choice('ABCD')}" if rng.random() < 0.4 else "")
    if country == "GB":
        return (f"Flat {rng.randint(1, 12)}, " if rng.random() < 0.3 else "") + f"{n} {street}"
    if country == "FR":
        return f"{n}{' bis' if rng.random() < 0.1 else ''} {street}"
    if country == "ES":
        return f"{street} {n}" + (f", {rng.randint(1, 8)}º {rng.choice('ABCD')}"
                                  if rng.random() < 0.7 else "")
    if country == "NL":
        return f"{street} {n}" + rng.choice(["", "", "A", "-1", "-2", " hs"])
    return f"{street} {n}" + ("a" if rng.random() < 0.1 else "")


def _postal_code(rng: random.Random, country: str, spec: str) -> str:
    if country == "GB":
        inward = "".join(rng.choices("ABDEFGHJLNPQRSTUWXYZ", k=2))
        return f"{rng.choice(spec.split('/'))} {rng.randint(0, 9)}{inward}"
    lo, hi = spec.split("-")
    digits = str(rng.randint(int(lo), int(hi))).zfill(len(lo))
    if country != "NL":
        return digits
    letters = "SA"
    while letters in ("SA", "SD", "SS"):  # never issued in the Netherlands
        letters = "".join(rng.choices("ABCDEGHJKLMNPRSTVWXZ", k=2))
    return f"{digits} {letters}"


def _ascii(name: str) -> str:
    """Fold a name to the letters an email address would use (Müller -> mueller)."""
    name = name.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    name = unicodedata.normalize("NFKD", name.replace("ß", "ss").replace("ı", "i"))
    return "".join(ch for ch in name if ch.isascii() and ch.isalnum())


def main(argv: list[str] | None = None) -> None:
    """Write the demo files into the folder named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m station.app.demo_data FOLDER")
    for path in write_demo_data(Path(args[0])):
        print(path)


if __name__ == "__main__":
    main()
