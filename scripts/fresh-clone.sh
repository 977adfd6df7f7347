#!/usr/bin/env bash
# Clone the committed repository into a temporary folder with no ../shared beside it and run the
# README's test command there: what a user's fresh clone does. Corpus and conformance tests must
# be skipped by their markers, everything else must pass.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$here" "$work/nq57-kg"
# A virtual environment of its own, so that the clone's editable install leaves this one alone
# (it sees the packages already installed here: nothing is downloaded when they are).
python3 -m venv --system-site-packages "$work/venv"
export PATH="$work/venv/bin:$PATH"
cd "$work/nq57-kg"
unset KG_CORPUS KG_CONFORMANCE KG_DATA KG_BUILD
test ! -e ../shared
bash scripts/test.sh "$@"
