#!/usr/bin/env bash
# Fetches the web assets the HTML map embeds (Leaflet, pinned in render/web/package-lock.json
# with its integrity hash) into render/web/node_modules. CMake runs this at configure time;
# it does nothing when the pinned files are already there.
#   scripts/web-assets.sh            install when missing or when the lock file changed
set -euo pipefail
web="$(cd "$(dirname "${BASH_SOURCE[0]}")/../render/web" && pwd)"
stamp="$web/node_modules/.fergana-lock.sha256"
want="$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f "$web/node_modules/leaflet/dist/leaflet.js" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  # Debian's npm; a NodeSource nodejs already brings its own npm, so this only runs without one.
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "web-assets: installing nodejs npm" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
echo "web-assets: npm ci in render/web (Leaflet, about 1 MB)" >&2
(cd "$web" && npm ci --silent --no-audit --no-fund)
echo "$want" > "$stamp"
