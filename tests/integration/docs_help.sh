#!/usr/bin/env bash
# docs_help: docs/cutover.1 and README.md against `cutover --help` (TAP): every command and
# every option of each, with its short form, and one exit-code table (docs_help.py).
set -u
root=${CUTOVER_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
exec /usr/bin/python3 "$root/tests/integration/docs_help.py" "${CUTOVER_BIN:-$root/cutover}" "$root"
