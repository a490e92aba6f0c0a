#!/usr/bin/env python3
"""The end-to-end benchmark of docs/performance.md: fergana against PostGIS.

    bench/run.py                          # N = 1e4, 1e5, 1e6; PostGIS when installed
    bench/run.py --sizes 1e3 --check      # the CTest smoke test: exit 1 if answers disagree
    bench/run.py --sizes 1e6 --postgis no --repeat 3

Workloads (inputs: the bundled data/fergana.gpkg and N incidents from fergana_make_incidents,
uniform in lon 69.0-73.8, lat 39.3-41.6, fixed seed):
  W1  per incident, the geodesic distance to the nearest OSM border of KGZ/TJK/UZB in force
      on its date, and that border's pair:
      fergana proximity --measure border --select id,border_pair,border_distance_m -o w1.csv
  W2  per settlement in the box, the incidents within 20 km and the nearest one's distance:
      fergana affected --radius 20km --select lon,lat,id,incident_count,nearest_incident_distance_m -o w2.csv
  W3  the stretches of the OSM 2017 KGZ-TJK line farther than 500 m from the Natural Earth
      line, total km and count:  fergana disputed --pair KGZ-TJK --tolerance 500m --no-zones --summary
Each fergana run is timed end to end (process start to exit: read, compute, write) under
/usr/bin/time -v for the peak memory. PostGIS (a private cluster, tests/postgis/pg_cluster.sh)
gets the same inputs through ogr2ogr, geography columns and GiST indexes (loading is not
timed), and runs the same work as one SQL statement each, written to CSV with \\copy (timed).
Answers are checked: W1 within 1 m and the same pair (unless the two nearest borders are
within 1 m of each other), W2 identical counts and nearest distances within 1 m, W3 total
length within 1 %. Without PostGIS, W1 is checked on a sample against the brute-force
reference (fergana_bench_reference) and W2 against GeographicLib's GeodSolve on every pair.

Standard library only. Timings are printed, never asserted.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOX = (69.0, 39.3, 73.8, 41.6)  # lon min, lat min, lon max, lat max
RADIUS_M = 20000.0


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def parse_size(text):
    return int(float(text))


def size_label(n):
    exp = len(str(n)) - 1
    return f"1e{exp}" if n == 10 ** exp else str(n)


# ---------------------------------------------------------------------------
# Running and timing.

def timed(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd under /usr/bin/time -v: (wall s, cpu s, peak MiB). Raises on failure."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = ["/usr/bin/time", "-v", "-o", t.name] + cmd
        start = time.perf_counter()
        proc = subprocess.run(full, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
        report = t.read()
    def field(name):
        m = re.search(re.escape(name) + r": ([0-9.]+)", report)
        return float(m.group(1)) if m else 0.0
    cpu = field("User time (seconds)") + field("System time (seconds)")
    peak = field("Maximum resident set size (kbytes)") / 1024.0
    return wall, cpu, peak


def best_of(repeat, fn):
    """The run with the least wall time of `repeat` (the machine may be shared)."""
    runs = [fn() for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


# ---------------------------------------------------------------------------
# fergana.

class Fergana:
    def __init__(self, build, work, threads):
        self.bin = os.path.join(build, "bin", "fergana")
        self.make = os.path.join(build, "bin", "fergana_make_incidents")
        self.reference = os.path.join(build, "bin", "fergana_bench_reference")
        self.work = work
        self.threads = threads
        for b in (self.bin, self.make):
            if not os.access(b, os.X_OK):
                sys.exit(f"run.py: {b} is missing: build first (./scripts/build.sh)")

    def incidents(self, n):
        path = os.path.join(self.work, f"incidents_{size_label(n)}.gpkg")
        if not os.path.exists(path):
            log(f"generating {n} incidents -> {path}")
            subprocess.run([self.make, "--count", str(n), "-o", path], check=True)
        return path

    def common(self):
        return ["-q", "--overwrite"] + (["--threads", str(self.threads)] if self.threads else [])

    def w1(self, incidents, out):
        # The workload's columns (id, pair, distance), as the PostGIS query writes them.
        return with_phases(timed([self.bin, "proximity", "--measure", "border", "--incidents", incidents,
                                  "--select", "id,border_pair,border_distance_m", "-o", out] + self.common()), out)

    def w2(self, incidents, out):
        # The workload's columns (count, nearest distance) and the coordinates for the box.
        return with_phases(timed([self.bin, "affected", "--radius", "20km", "--incidents", incidents, "--select",
                                  "lon,lat,id,incident_count,nearest_incident_distance_m", "-o", out]
                                 + self.common()), out)

    def w3(self, out):
        return with_phases(timed([self.bin, "disputed", "--pair", "KGZ-TJK", "--tolerance", "500m", "--claimant",
                                  "osm2017", "--claimant", "naturalearth", "--no-zones", "--summary", out, "-q",
                                  "--overwrite"]), out)


def record(rows, row, ok):
    """Adds a finished row to the table and the log; returns whether its answers agree."""
    row["ok"] = ok
    rows.append(row)
    log(json.dumps(row))
    return ok


def with_phases(timing, out):
    """(wall, cpu, peak) and the run's own phase timer: {read, compute, write} seconds from the
    output's provenance sidecar (read includes starting the process)."""
    try:
        with open(out + ".provenance.json") as f:
            phases = json.load(f).get("phases_s", {})
    except (OSError, ValueError):
        phases = {}
    return timing + (phases,)


def read_w1_fergana(path):
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            d = row["border_distance_m"]
            out[row["id"]] = (row["border_pair"], float(d) if d else None)
    return out


def read_w2_fergana(path):
    """settlement id -> (count, nearest_m) for the settlements in the box with incidents in reach."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            lon, lat = float(row["lon"]), float(row["lat"])
            if BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3]:
                out[row["id"]] = (int(row["incident_count"]), float(row["nearest_incident_distance_m"]))
    return out


def read_w3_fergana(path):
    with open(path) as f:
        summary = json.load(f)
    for c in summary["comparisons"]:
        if c["pair"] == "KGZ-TJK" and "osm2017" in c:
            s = c["osm2017"]
            return s["beyond_tolerance_m"] / 1000.0, s["runs_beyond_tolerance"]
    raise RuntimeError(f"{path}: no KGZ-TJK osm2017 comparison")


# ---------------------------------------------------------------------------
# PostGIS.

class PostGIS:
    def __init__(self, work):
        self.state = os.path.join(work, "pg")
        os.makedirs(self.state, exist_ok=True)
        script = os.path.join(ROOT, "tests", "postgis", "pg_cluster.sh")
        subprocess.run([script, "start", self.state], check=True, stdout=subprocess.DEVNULL)
        if os.path.exists(os.path.join(self.state, "unavailable")):
            raise RuntimeError(open(os.path.join(self.state, "unavailable")).read().strip())
        self.conn = open(os.path.join(self.state, "conn")).read().strip()
        self.psql = open(os.path.join(self.state, "psql")).read().strip()
        self.loaded = None

    def stop(self):
        script = os.path.join(ROOT, "tests", "postgis", "pg_cluster.sh")
        subprocess.run([script, "stop", self.state], stdout=subprocess.DEVNULL)

    def sql(self, statement):
        proc = subprocess.run(["bash", "-c", self.psql + ' -v ON_ERROR_STOP=1 -q -At -c "$0"', statement],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"SQL failed: {statement[:200]}\n{proc.stderr}")
        return proc.stdout

    def ogr2ogr(self, src, layer, table, where=None):
        cmd = ["ogr2ogr", "-f", "PostgreSQL", self.conn, src, layer, "-nln", table, "-overwrite",
               "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=NONE", "-gt", "100000"]
        if where:
            cmd += ["-where", where]
        subprocess.run(cmd, check=True)

    def load_static(self):
        bundled = os.path.join(ROOT, "data", "fergana.gpkg")
        self.ogr2ogr(bundled, "borders", "bench_borders")
        self.ogr2ogr(bundled, "settlements", "bench_settlements")
        self.ogr2ogr(bundled, "claims", "bench_claims", "pair = 'KGZ-TJK'")
        for t in ("bench_borders", "bench_settlements", "bench_claims"):
            self.sql(f"ALTER TABLE {t} ADD COLUMN geog geography; UPDATE {t} SET geog = geom::geography;"
                     f"CREATE INDEX ON {t} USING gist (geog); ANALYZE {t};")

    def load_incidents(self, path, n):
        if self.loaded == n:
            return
        log(f"loading {n} incidents into PostGIS")
        self.ogr2ogr(path, "incidents", "bench_incidents")
        self.sql("ALTER TABLE bench_incidents ADD COLUMN geog geography(Point, 4326);"
                 "UPDATE bench_incidents SET geog = geom::geography;"
                 "CREATE INDEX ON bench_incidents USING gist (geog);")
        self.sql("VACUUM ANALYZE bench_incidents")
        self.loaded = n

    def copy(self, query, out):
        # \copy streams the result to a client-side CSV: read, compute and write, as fergana.
        statement = f"\\copy ({query}) TO '{out}' WITH (FORMAT csv, HEADER)"
        start = time.perf_counter()
        subprocess.run(["bash", "-c", self.psql + ' -v ON_ERROR_STOP=1 -q -c "$0"', statement], check=True)
        return time.perf_counter() - start

    # W1: the borders in force on each incident's date (valid_from <= date < valid_to), the
    # nearest by ST_Distance on the spheroid (PostGIS's exact geography distance), every
    # candidate measured (a KNN `<->` ordering is on the sphere and may pick the wrong one).
    # Border by border (the LATERAL with OFFSET 0 keeps the borders the outer loop), so PostGIS
    # reuses its cached edge tree of the border: with the incidents outside, the plan the
    # planner picks by itself, the cache misses on every row and 1e4 incidents took 42 s,
    # not 1.2 s.
    W1 = ("SELECT DISTINCT ON (x.id) x.id, x.pair, x.dist_m FROM bench_borders b CROSS JOIN LATERAL ("
          " SELECT i.id, b.pair, ST_Distance(b.geog, i.geog) AS dist_m FROM bench_incidents i"
          " WHERE (b.valid_from IS NULL OR b.valid_from <= i.date) AND (b.valid_to IS NULL OR i.date < b.valid_to)"
          " OFFSET 0) x ORDER BY x.id, x.dist_m")
    # W2: ST_DWithin on the spheroid (inclusive), the GiST index on the incidents.
    W2 = ("SELECT s.id, count(i.id) AS n, min(ST_Distance(s.geog, i.geog)) AS nearest_m"
          " FROM bench_settlements s LEFT JOIN bench_incidents i ON ST_DWithin(s.geog, i.geog, 20000)"
          f" WHERE ST_X(s.geom) BETWEEN {BOX[0]} AND {BOX[2]} AND ST_Y(s.geom) BETWEEN {BOX[1]} AND {BOX[3]}"
          " GROUP BY s.id ORDER BY s.id")
    # W3: the OSM line's parts densified to 10 m, each vertex's distance to the Natural Earth
    # line, runs of vertices beyond 500 m (gaps and islands), their lengths summed; a run's
    # ends are interpolated linearly in the offset between the vertices either side.
    W3 = """
WITH osm AS (SELECT (ST_Dump(geom)).path[1] AS part, (ST_Dump(geom)).geom AS g FROM bench_claims WHERE claimant = 'osm2017'),
ne AS (SELECT geog FROM bench_claims WHERE claimant = 'naturalearth'),
pts AS (SELECT part, (dp).path[1] AS k, (dp).geom::geography AS p
        FROM (SELECT part, ST_DumpPoints(ST_Segmentize(g::geography, 10)::geometry) AS dp FROM osm) x),
off AS (SELECT part, k, p, ST_Distance(p, ne.geog) AS d FROM pts, ne),
seg AS (SELECT part, k, d, lag(d) OVER w AS d0, ST_Distance(lag(p) OVER w, p) AS len FROM off WINDOW w AS (PARTITION BY part ORDER BY k)),
piece AS (SELECT part, k, d > 500 AS beyond,
          CASE WHEN d0 IS NULL THEN 0
               WHEN d > 500 AND d0 > 500 THEN len
               WHEN d > 500 OR d0 > 500 THEN len * abs(greatest(d, d0) - 500) / nullif(abs(d - d0), 0)
               ELSE 0 END AS beyond_m,
          CASE WHEN d > 500 AND (d0 IS NULL OR d0 <= 500) THEN 1 ELSE 0 END AS starts
          FROM seg)
SELECT sum(beyond_m) / 1000 AS km, sum(starts) AS runs FROM piece"""


# ---------------------------------------------------------------------------
# Checks.

def check_w1(ours, theirs, adjudicate):
    """Within 1 m of PostGIS; where not, the brute-force reference decides who is right
    (PostGIS measures to the nearest point on the sphere, which can be metres off on the
    long edges of the OSM borders)."""
    worst, off, missing, median = 0.0, [], 0, []
    for id_, (pair, d) in theirs.items():
        mine = ours.get(id_)
        if mine is None or mine[1] is None:
            missing += 1
            continue
        diff = abs(mine[1] - d)
        median.append(diff)
        worst = max(worst, diff)
        if diff > 1.0 or mine[0] != pair:
            off.append(id_)
    median.sort()
    note = (f"{len(theirs)} rows, median diff {median[len(median) // 2]:.3f} m, max {worst:.3f} m; "
            f"{len(off)} over 1 m")
    ok = missing == 0 and len(ours) == len(theirs)
    if off:
        confirmed, detail = adjudicate(off)
        note += f" ({'fergana within 1 cm of brute force on all of them' if confirmed else 'brute force: ' + detail})"
        ok &= confirmed
    return ok, note


def check_w2(ours, theirs):
    worst, bad = 0.0, 0
    for id_, (n, nearest) in theirs.items():
        mine = ours.get(id_, (0, None))
        if mine[0] != n:
            bad += 1
        elif n > 0:
            worst = max(worst, abs(mine[1] - nearest))
            if abs(mine[1] - nearest) > 1.0:
                bad += 1
    extra = [i for i in ours if i not in theirs]
    ok = bad == 0 and not extra
    return ok, f"{len(theirs)} settlements, {bad + len(extra)} differ, nearest max diff {worst:.4f} m"


def check_w3(ours, theirs):
    km, runs = ours
    km_ref, runs_ref = theirs
    rel = abs(km - km_ref) / km_ref
    return rel <= 0.01, f"{km:.2f} km / {runs} runs vs {km_ref:.2f} km / {runs_ref} runs ({100 * rel:.2f} %)"


def brute_w2(incidents_csv, settlements, out_path=None):
    """W2 by GeodSolve on every settlement-incident pair (small N only)."""
    pairs = []
    for sid, (slon, slat) in settlements.items():
        for iid, (ilon, ilat) in incidents_csv.items():
            pairs.append((sid, iid, f"{slat} {slon} {ilat} {ilon}"))
    proc = subprocess.run(["GeodSolve", "-i", "-p", "9"], input="\n".join(p[2] for p in pairs) + "\n",
                          capture_output=True, text=True, check=True)
    result = {sid: (0, None) for sid in settlements}
    for (sid, _, _), line in zip(pairs, proc.stdout.splitlines()):
        d = float(line.split()[2])
        n, best = result[sid]
        if d <= RADIUS_M:
            result[sid] = (n + 1, d if best is None else min(best, d))
    return result


def ogr_points(path, layer, id_field):
    proc = subprocess.run(["ogr2ogr", "-f", "CSV", "/vsistdout/", path, layer, "-select", id_field,
                           "-lco", "GEOMETRY=AS_XY"], capture_output=True, text=True, check=True)
    out = {}
    for row in csv.DictReader(proc.stdout.splitlines()):
        out[row[id_field]] = (float(row["X"]), float(row["Y"]))
    return out


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1e4,1e5,1e6", help="incident counts (default 1e4,1e5,1e6)")
    ap.add_argument("--workloads", default="W1,W2,W3")
    ap.add_argument("--postgis", choices=["auto", "yes", "no"], default="auto",
                    help="compare with PostGIS: auto (when installed), yes (required), no")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="the build tree (default build/)")
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "bench"),
                    help="inputs and outputs (default out/bench/; incidents are generated once)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each fergana workload; the fastest is shown")
    ap.add_argument("--threads", type=int, default=0, help="fergana --threads (default: all cores)")
    ap.add_argument("--check", action="store_true", help="exit 1 when an answer disagrees (the smoke test)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    args = ap.parse_args()

    sizes = [parse_size(s) for s in args.sizes.split(",") if s]
    workloads = [w.strip().upper() for w in args.workloads.split(",")]
    os.makedirs(args.work, exist_ok=True)
    fergana = Fergana(args.build, args.work, args.threads)

    pg = None
    pg_note = "PostGIS: not asked"
    if args.postgis != "no":
        try:
            pg = PostGIS(args.work)
            pg.load_static()
            pg_note = "PostGIS " + pg.sql("SELECT postgis_lib_version()").strip()
        except Exception as e:  # noqa: BLE001 - any failure means: no PostGIS here
            if pg:
                pg.stop()
            pg = None
            if args.postgis == "yes":
                sys.exit(f"run.py: PostGIS wanted but unavailable: {e}")
            pg_note = f"PostGIS: unavailable ({str(e).splitlines()[0] if str(e) else type(e).__name__})"
    log(pg_note)

    rows, all_ok = [], True
    try:
        # W3 reads no incidents: timed first, before PostgreSQL has loaded any.
        w3_out = os.path.join(args.work, "w3_summary.json")
        w3_timed = best_of(args.repeat, lambda: fergana.w3(w3_out)) if "W3" in workloads else None
        for n in (sizes if ("W1" in workloads or "W2" in workloads) else []):
            incidents = fergana.incidents(n)
            # fergana's runs first, then PostgreSQL's load: a million rows loaded leave the
            # machine slow for a while (writeback), which the next runs would measure.
            timed_runs = {}
            for w in ("W1", "W2"):
                if w in workloads:
                    out = os.path.join(args.work, f"{w.lower()}_{size_label(n)}.csv")
                    run = fergana.w1 if w == "W1" else fergana.w2
                    timed_runs[w] = (out, best_of(args.repeat, lambda: run(incidents, out)))
            if pg:
                pg.load_incidents(incidents, n)
            for w in ("W1", "W2"):
                if w not in workloads:
                    continue
                out, (wall, cpu, peak, phases) = timed_runs[w]
                row = {"workload": w, "n": n, "wall_s": wall, "cpu_s": cpu, "peak_mib": peak, "phases_s": phases}
                ours = read_w1_fergana(out) if w == "W1" else read_w2_fergana(out)
                if pg:
                    ref_path = os.path.join(args.work, f"{w.lower()}_{size_label(n)}_postgis.csv")
                    row["postgis_s"] = pg.copy(PostGIS.W1 if w == "W1" else PostGIS.W2, ref_path)
                    if w == "W1":
                        theirs = {}
                        with open(ref_path, newline="") as f:
                            for r in csv.DictReader(f):
                                theirs[r["id"]] = (r["pair"], float(r["dist_m"]))
                        def adjudicate(ids, incidents=incidents, out=out):
                            if not os.access(fergana.reference, os.X_OK):
                                return False, "no fergana_bench_reference to decide"
                            ids_path = os.path.join(args.work, "w1_disagreements.txt")
                            with open(ids_path, "w") as f:
                                f.write("\n".join(ids) + "\n")
                            proc = subprocess.run([fergana.reference, "w1", incidents, out, "--ids", ids_path],
                                                  capture_output=True, text=True)
                            return proc.returncode == 0, (proc.stdout + proc.stderr).strip()[:300]
                        ok, note = check_w1(ours, theirs, adjudicate)
                    else:
                        theirs = {}
                        with open(ref_path, newline="") as f:
                            for r in csv.DictReader(f):
                                theirs[r["id"]] = (int(r["n"]), float(r["nearest_m"]) if r["nearest_m"] else None)
                        ok, note = check_w2(ours, theirs)
                    row["check"] = "PostGIS: " + note
                elif w == "W1" and os.access(fergana.reference, os.X_OK):
                    proc = subprocess.run([fergana.reference, "w1", incidents, out, "--sample", "200"],
                                          capture_output=True, text=True)
                    ok = proc.returncode == 0
                    row["check"] = "brute force: " + (proc.stdout.strip() or proc.stderr.strip())
                elif w == "W2" and n <= 10000 and shutil.which("GeodSolve"):
                    points = ogr_points(incidents, "incidents", "id")
                    stl = {k: v for k, v in ogr_points(os.path.join(ROOT, "data", "fergana.gpkg"), "settlements",
                                                       "id").items()
                           if BOX[0] <= v[0] <= BOX[2] and BOX[1] <= v[1] <= BOX[3]}
                    ok, note = check_w2(ours, brute_w2(points, stl))
                    row["check"] = "GeodSolve: " + note
                else:
                    ok, row["check"] = True, "not checked"
                all_ok &= record(rows, row, ok)
        if "W3" in workloads:
            out = w3_out
            wall, cpu, peak, phases = w3_timed
            row = {"workload": "W3", "n": 0, "wall_s": wall, "cpu_s": cpu, "peak_mib": peak, "phases_s": phases}
            ours = read_w3_fergana(out)
            row["answer"] = f"{ours[0]:.2f} km, {ours[1]} runs"
            if pg:
                ref_path = os.path.join(args.work, "w3_postgis.csv")
                row["postgis_s"] = pg.copy(PostGIS.W3, ref_path)
                with open(ref_path, newline="") as f:
                    r = next(csv.DictReader(f))
                ok, note = check_w3(ours, (float(r["km"]), int(r["runs"])))
                row["check"] = "PostGIS: " + note
            else:
                ok, row["check"] = True, "not checked"
            all_ok &= record(rows, row, ok)
    finally:
        if pg:
            pg.stop()

    print(f"fergana {os.path.relpath(fergana.bin, ROOT)}; {pg_note}; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}")
    print()
    print("| workload | N | fergana wall s | read / compute / write s | fergana CPU s | peak MiB | PostGIS s | "
          "PostGIS / fergana | answers |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        pgs = r.get("postgis_s")
        ratio = f"{pgs / r['wall_s']:.1f}x" if pgs else "-"
        n = size_label(r["n"]) if r["n"] else "-"
        ph = r.get("phases_s") or {}
        split = " / ".join(f"{ph[k]:.2f}" for k in ("read", "compute", "write")) if len(ph) == 3 else "-"
        print(f"| {r['workload']} | {n} | {r['wall_s']:.2f} | {split} | {r['cpu_s']:.2f} | {r['peak_mib']:.0f} | "
              + (f"{pgs:.2f} |" if pgs else "- |"), end="")
        print(f" {ratio} | {'ok' if r['ok'] else 'DISAGREE'}: {r['check']} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    if args.check and not all_ok:
        log("run.py: answers disagree")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
