#!/usr/bin/env bash
# Re-fetch the vendored JavaScript libraries from their npm packages.
#
#   scripts/update-vendor.sh                    # all three, latest releases
#   scripts/update-vendor.sh cytoscape 3.34.4   # one library, a given version
#   scripts/update-vendor.sh minisearch
#   scripts/update-vendor.sh axe-core
#
# - cytoscape -> rusgraph/vendor/cytoscape.min.js: inlined in the graph page
#   (`rusgraph export --format html`) so it works offline.
# - minisearch -> rusgraph/vendor/minisearch.js: the atlas's search (`rusgraph site`);
#   copied into every site, so search works from file:// with no network.
# - axe-core -> tests/vendor/axe.min.js: the accessibility check the atlas's browser tests
#   run in the page (tests only; not shipped).
#
# Nothing is ever loaded from a CDN. Each tarball comes from the npm registry through npm
# itself; its integrity (sha512) is checked by npm and recorded in a VERSION file beside
# the library together with the version and the file's sha256. Each licence is copied too.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { echo "error: npm not found (install Node.js and npm)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fetch PACKAGE VERSION FILE-IN-PACKAGE DEST LICENSE-IN-PACKAGE LICENSE-DEST VERSION-FILE
fetch() {
  local pkg=$1 version=$2 src=$3 dest=$4 lic=$5 licdest=$6 info=$7 resolved integrity sha
  resolved=$(npm view "$pkg@$version" version 2>/dev/null | tail -n 1)
  [ -n "$resolved" ] || { echo "error: npm knows no $pkg@$version" >&2; exit 2; }
  integrity=$(npm view "$pkg@$resolved" dist.integrity 2>/dev/null | tail -n 1)
  mkdir -p "$work/$pkg"
  (cd "$work/$pkg" && npm pack --silent "$pkg@$resolved" >/dev/null)
  tar -xzf "$work/$pkg"/*.tgz -C "$work/$pkg"
  mkdir -p "$(dirname "$dest")"
  install -m 0644 "$work/$pkg/package/$src" "$dest"
  install -m 0644 "$work/$pkg/package/$lic" "$licdest"
  sha=$(sha256sum "$dest" | cut -d' ' -f1)
  cat > "$info" <<INFO
$pkg $resolved
source: npm package $pkg@$resolved ($src, $lic)
npm integrity: $integrity
sha256 $(basename "$dest"): $sha
INFO
  echo "vendored $pkg $resolved into $dest" >&2
}

which=${1:-all}
version=${2:-latest}
case $which in
  cytoscape|all) fetch cytoscape "$version" dist/cytoscape.min.js rusgraph/vendor/cytoscape.min.js \
                   LICENSE rusgraph/vendor/LICENSE.cytoscape rusgraph/vendor/VERSION ;;&
  minisearch|all) fetch minisearch "$version" dist/umd/index.js rusgraph/vendor/minisearch.js \
                   LICENSE.txt rusgraph/vendor/LICENSE.minisearch rusgraph/vendor/VERSION.minisearch ;;&
  axe-core|all) fetch axe-core "$version" axe.min.js tests/vendor/axe.min.js \
                   LICENSE tests/vendor/LICENSE.axe-core tests/vendor/VERSION.axe-core ;;
  cytoscape|minisearch) ;;
  *) echo "error: unknown library $which (cytoscape, minisearch, axe-core or all)" >&2; exit 2 ;;
esac
