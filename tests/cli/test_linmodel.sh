#!/usr/bin/env bash
# The linear scorer's core against independent computations: the models
# (tests/cli/linmodel_check.py: its own Newton solver and closed form, on
# binary, multinomial and ridge cases, separable, constant features, raw
# values) and the cross-validation (tests/cli/evaluate_check.py: folds,
# refitted out-of-fold predictions, every figure). The C drivers are
# build/tools/linmodel_fit and build/tools/evaluate_run (make tests).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
build=${GAVEL_BUILD:-$(dirname "$GAVEL")/build}

# counts CHECKER-OUTPUT: adds the checker's "N passed, N failed" to ours
counts() {
	local line p f
	line=$(printf '%s\n' "$1" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		not_ok "no summary line: $(printf '%s' "$1" | tail -n 5)"
		return
	fi
	p=${line%% passed*} f=${line#*passed, } f=${f%% failed*}
	pass=$((pass + p)) fail=$((fail + f))
	[ "$f" -eq 0 ] || printf '%s\n' "$1" | grep '^FAIL' >&2
}

for tool in linmodel_fit evaluate_run; do
	if [ ! -x "$build/tools/$tool" ]; then
		not_ok "$build/tools/$tool is missing: run make tests"
		finish
		exit
	fi
done
counts "$(python3 "$here/linmodel_check.py" "$build/tools/linmodel_fit" "$TMP" 2>&1)"
counts "$(python3 "$here/evaluate_check.py" "$build/tools/evaluate_run" "$TMP" 2>&1)"
finish
