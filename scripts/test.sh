#!/usr/bin/env bash
# Install everything the test suite needs and run it. Used as-is by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java >/dev/null 2>&1; then
  # The OWL reasoner test runs HermiT, a Java program shipped inside owlready2.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null
  else
    echo "error: Java is needed for the OWL reasoner tests; install a JRE (e.g. default-jre-headless)" >&2
    exit 2
  fi
fi
if ! ls /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf >/dev/null 2>&1 \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  # The PDF reading tests write PDFs with a TrueType font that has the Vietnamese letters.
  apt-get update -qq && apt-get install -y -qq fonts-dejavu-core >/dev/null
fi
if ! command -v chromium >/dev/null 2>&1; then
  # The explorer's end-to-end tests drive Debian's chromium (through Playwright, which downloads nothing).
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "note: no chromium; the explorer's browser tests (marker e2e) will be skipped" >&2
  fi
fi
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
python3 -m pytest -q "$@"
