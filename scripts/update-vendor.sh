#!/usr/bin/env bash
# Re-fetch the vendored cytoscape.js from its npm package into rusgraph/vendor/.
#
#   scripts/update-vendor.sh            # the latest release
#   scripts/update-vendor.sh 3.34.4     # a given version
#
# The graph page (`rusgraph export --format html`) inlines rusgraph/vendor/cytoscape.min.js
# so it works offline; nothing is ever loaded from a CDN. The tarball comes from the npm
# registry through npm itself; its integrity (sha512) is checked by npm and recorded in
# rusgraph/vendor/VERSION together with the version and the file's sha256.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-latest}
vendor=rusgraph/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v npm >/dev/null || { echo "error: npm not found (install Node.js and npm)" >&2; exit 2; }

resolved=$(npm view "cytoscape@$version" version 2>/dev/null | tail -n 1)
[ -n "$resolved" ] || { echo "error: npm knows no cytoscape@$version" >&2; exit 2; }
integrity=$(npm view "cytoscape@$resolved" dist.integrity 2>/dev/null | tail -n 1)

(cd "$work" && npm pack --silent "cytoscape@$resolved" >/dev/null)
tar -xzf "$work"/cytoscape-"$resolved".tgz -C "$work"

mkdir -p "$vendor"
install -m 0644 "$work/package/dist/cytoscape.min.js" "$vendor/cytoscape.min.js"
install -m 0644 "$work/package/LICENSE" "$vendor/LICENSE.cytoscape"
sha=$(sha256sum "$vendor/cytoscape.min.js" | cut -d' ' -f1)
cat > "$vendor/VERSION" <<INFO
cytoscape $resolved
source: npm package cytoscape@$resolved (dist/cytoscape.min.js, LICENSE)
npm integrity: $integrity
sha256 cytoscape.min.js: $sha
INFO
echo "vendored cytoscape $resolved into $vendor/" >&2
