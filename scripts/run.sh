#!/usr/bin/env bash
# The main job on the bundled Fergana Valley data: installs what is missing,
# builds, and writes the full report (layers, maps, summary.md, provenance.json)
# to report/. Extra arguments replace the default command.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh >&2
if (($# == 0)); then
  set -- report -o report --overwrite
fi
exec build/bin/fergana "$@"
