#!/usr/bin/env bash
# Reproduce src/kg/serve/static/vendor/ from the npm registry: the pinned front-end packages of the
# explorer, only the built files the pages load, with their licences. The server never fetches them.
# Needs npm (for `npm pack`, which checks each tarball against the registry's integrity hash).
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/kg/serve/static/vendor
YASGUI=4.6.2
CYTOSCAPE=3.34.4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zazuko/yasgui@$YASGUI" "cytoscape@$CYTOSCAPE" >/dev/null)
unpack() { mkdir -p "$work/$1" && tar xzf "$work/$2" -C "$work/$1"; }
unpack yasgui "zazuko-yasgui-$YASGUI.tgz"
unpack cytoscape "cytoscape-$CYTOSCAPE.tgz"
rm -rf "$VENDOR"
mkdir -p "$VENDOR/yasgui@$YASGUI" "$VENDOR/cytoscape@$CYTOSCAPE"
cp "$work/yasgui/package/build/yasgui.min.js" "$work/yasgui/package/build/yasgui.min.css" \
   "$work/yasgui/package/package.json" "$VENDOR/yasgui@$YASGUI/"
# The yasgui tarball ships no licence file; its package.json declares MIT (author Triply).
cat > "$VENDOR/yasgui@$YASGUI/LICENSE" <<'LICENSE'
@zazuko/yasgui — MIT License, as declared in its package.json (author: Triply <info@triply.cc>;
source: the Yasgui repository of the rdfjs organisation). The bundle also contains its
dependencies (CodeMirror, DataTables, DOMPurify, lodash-es, choices.js, sortablejs, and others),
each under the MIT licence or a compatible permissive licence.

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENSE
cp "$work/cytoscape/package/dist/cytoscape.min.js" "$work/cytoscape/package/LICENSE" \
   "$work/cytoscape/package/package.json" "$VENDOR/cytoscape@$CYTOSCAPE/"
# The source maps are left out: they point at files not vendored and would make browsers ask for them.
sed -i '/^\/\/# sourceMappingURL=/d' "$VENDOR/yasgui@$YASGUI/yasgui.min.js"
(cd "$VENDOR" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS)
du -sh "$VENDOR"
