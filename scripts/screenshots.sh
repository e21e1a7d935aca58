#!/usr/bin/env bash
# Regenerate the screenshots in docs/img/ from the bundled graph, in headless Chromium:
#   docs/img/graph-page.png       the interactive page (rusgraph export --format html),
#                                 filtered to Stovner, with a search and a measure opened
#   docs/img/coverage-matrix.png  the coverage report page (rusgraph report coverage --format html)
#   docs/img/site-index.png       the atlas (rusgraph site, with ../shared/seeds when present):
#   docs/img/site-measure.png     its index, a measure page with its source lines, and a city
#   docs/img/site-goal.png        goal's page with the districts that serve it and those that do not
#
#   scripts/screenshots.sh                     # uses `rusgraph` from PATH (or $RUSGRAPH)
#   RUSGRAPH=".venv/bin/rusgraph" scripts/screenshots.sh
#
# Needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM). Each Chromium run is bounded
# by `timeout` and uses a fresh, temporary profile.
set -euo pipefail
cd "$(dirname "$0")/.."

RUSGRAPH=${RUSGRAPH:-rusgraph}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "error: $CHROMIUM not found (apt-get install chromium)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p docs/img

shoot() {  # shoot URL OUT.png WIDTH,HEIGHT
  local profile
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout --kill-after=10 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --virtual-time-budget=15000 \
    --window-size="$3" --screenshot="$2" "$1" 2>"$work/chromium.log" \
    || { tail -20 "$work/chromium.log" >&2; exit 1; }
  echo "wrote $2" >&2
}

"$RUSGRAPH" export --format html -o "$work/graph.html"
measure="https://w3id.org/rusgraph/plan/030111/rusplan-2021-2024/measure/3"
shoot "file://$work/graph.html#district=030111&q=hasjavvenning&node=${measure//\//%2F}" docs/img/graph-page.png 1600,1000

"$RUSGRAPH" report coverage --format html -o "$work/coverage.html"
shoot "file://$work/coverage.html" docs/img/coverage-matrix.png 1100,760

sources=()
[ -d ../shared/seeds ] && sources=(--sources ../shared/seeds)
"$RUSGRAPH" site -d "$work/site" "${sources[@]}"
shoot "file://$work/site/index.nb.html" docs/img/site-index.png 1400,1000
shoot "file://$work/site/plan/030111/rusplan-2021-2024/measure/3.nb.html" docs/img/site-measure.png 1300,1500
shoot "file://$work/site/plan/0301/strategisk-plan-rusfeltet-2018/s1-07.nb.html" docs/img/site-goal.png 1300,1300
