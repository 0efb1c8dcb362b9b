#!/usr/bin/env bash
# gavel train, score and export-model: the fits, the cross-validation and
# the exported model against independent computations
# (tests/cli/train_check.py, through the flow a new user follows: init
# --scale, import-ratings, import-features, train); then what a user reads:
# --list, --show (weights by size), the scorer run in agree --by model while
# the headline stays the LLM's.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

result=$(python3 "$here/train_check.py" "$GAVEL" "$TMP" 2>&1)
line=$(printf '%s\n' "$result" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
	not_ok "train_check.py printed no summary: $(printf '%s' "$result" | tail -n 5)"
else
	pass=$((pass + ${line%% passed*}))
	f=${line#*passed, } f=${f%% failed*}
	fail=$((fail + f))
	[ "$f" -eq 0 ] || printf '%s\n' "$result" | grep '^FAIL' >&2
fi

# ---- what a user reads ----
db=$TMP/three.db
run "$GAVEL" train --db "$db" --list
expect_rc 0 "--list"
n=$(sql "$db" "SELECT count(*) FROM scorer_models")
expect_eq "$(printf '%s\n' "$out" | grep -cE '^ +[0-9]+  ')" "$n" "--list shows every model"
expect_match "$(printf '%s\n' "$out" | sed -n 2p)" "^ +$n  .* multinomial +human +150 " \
	"newest first, with kind, target and rows"

run "$GAVEL" train --db "$db" --features feat --folds 5
expect_rc 0 "train, text"
expect_match "$out" "kappa \(quadratic\) +-?[0-9.]+ +(-?[0-9.]+|-) +-?[0-9.]+" "kappa: scorer, baseline, LLM"
expect_match "$out" "log-loss +[0-9.]+ +[0-9.]+ +- *$" "the LLM has no log-loss"
expect_match "$err" "stored as model [0-9]+" "says where it is stored"
id=$(sql "$db" "SELECT max(id) FROM scorer_models")
run "$GAVEL" train --db "$db" --show "$id"
expect_rc 0 "--show"
# the weights' order, recomputed from the exported model: largest |w| over labels first
"$GAVEL" export-model --db "$db" --output "$TMP/m.json" "$id"
want=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
w = [max(abs(r[j]) for r in m["coefficients"]) for j in range(len(m["features"]))]
print(" ".join(f for _, f in sorted(zip([-v for v in w], m["features"]), key=lambda t: t[0])))' "$TMP/m.json")
got=$(printf '%s\n' "$out" | awk '/^coefficients/ { on = 1; getline; next } on && $1 != "(intercept)" { printf "%s%s", sep, $1; sep = " " }')
expect_eq "$got" "$want" "--show lists features by weight"
run "$GAVEL" train --db "$db" --show 999
expect_rc 1 "--show an unknown model"
expect_match "$err" "no scorer model 999" "says which"
run "$GAVEL" export-model --db "$db" 999
expect_rc 1 "export-model of an unknown model"
run "$GAVEL" export-model --db "$db" abc
expect_rc 2 "export-model takes an id"

# the scorer is a labeller: a run with answers; agree's headline stays the
# LLM's (run 1, the imported rater), --by model shows both
run "$GAVEL" score --db "$db" --model "$id"
expect_rc 0 "score"
expect_match "$err" "labelled 150 of 150 items as run [0-9]+" "score says what it did"
run "$GAVEL" agree --db "$db" --no-ci
headline=$(printf '%s\n' "$out" | awk '/^LLM vs the settled/ { on = 1 } on && /kappa, quadratic/ { print $3; exit }')
run "$GAVEL" agree --db "$db" --by model --no-ci
bot=$(printf '%s\n' "$out" | awk '$1 == "bot" { print $3 }')
scorer=$(printf '%s\n' "$out" | awk -v m="scorer-$id" '$1 == m { print $3 }')
expect_match "$scorer" '^[0-9.]+$' "agree --by model has the scorer's model"
expect_eq "$headline" "$bot" "agree's headline is the LLM's, not the later scorer run's"
run "$GAVEL" label --db "$db" --provider scorer
expect_rc 2 "label --provider scorer is refused"
expect_match "$err" "gavel score --model" "and points to gavel score"
finish
