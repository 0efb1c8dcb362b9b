#!/usr/bin/env bash
# The catalogue estimates (src/agree/ppi.h) through tests/tools/ppi_json:
# against what the reference implementation ppi_py computed
# (tests/data/ppi/reference.json), against a pure-Python implementation of
# the published formulas (ppi_check.py), and by a coverage simulation over
# seeded catalogues with stratified and uniform audits (the coverage
# measured is printed).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$here/../../build}
driver=$build/tools/ppi_json

if [ ! -x "$driver" ]; then
	not_ok "$driver is missing: run make tests"
	finish
	exit
fi
strict_check "$here/ppi_check.py" "$driver" "$here/../data"
finish
