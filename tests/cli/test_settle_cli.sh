#!/usr/bin/env bash
# gavel settle end to end: ratings loaded with init --scale and
# import-ratings, then settle --rule dawid-skene --max-iterations K --json
# (K = 0, 1, 2, converged) against settle_check.py's independent Dawid-Skene
# (priors, matrices, posteriors, log-likelihood to 1e-9; settled labels
# exactly), the LLM as a rater, adjudicated items clamped, items only the LLM
# labelled, the default options and other tolerances, ratings from JSONL,
# every rule, and --set-default; an imported adjudication's queue_order;
# then the command's own refusals.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

python_check "$here/settle_check.py" "$GAVEL" "$here/../data/dawidskene" "$TMP"

db=$TMP/s.db
"$GAVEL" init --db "$db" --scale bad,ok,good >/dev/null 2>&1
printf 'item,rater,label\na,x,1\na,y,1\nb,x,2\nb,y,3\n' >"$TMP/r.csv"
"$GAVEL" import-ratings --db "$db" "$TMP/r.csv" >/dev/null 2>&1
for bad in "--rule coin" "--quorum 0" "--quorum 1.5" "--min-posterior 2" "--max-iterations -1" \
	"--min-reviews x" "--no-llm --llm-run 3" "extra"; do
	# shellcheck disable=SC2086
	run "$GAVEL" settle --db "$db" $bad
	expect_rc 2 "settle $bad is a usage error"
done
run "$GAVEL" settle --db "$db"
expect_rc 0 "settle"
expect_match "$out" "items: 2, settled 1" "text report counts"
expect_match "$out" "conflict +1" "the conflict is named"
run "$GAVEL" settle --db "$db" --rule dawid-skene
expect_match "$out" "Estimated accuracy per label" "dawid-skene shows each rater's accuracy"
expect_eq "$(sql "$db" "SELECT count(*) FROM item_queue WHERE ds_posterior IS NOT NULL")" 2 \
	"the posteriors are kept for the adjudication queue"
# an imported adjudication records where it came from, as the screen's do
printf '{"item": "b", "votes": [], "adjudicator": "zed", "label": 2, "adjudication_reason": "gold"}\n' >"$TMP/adj.jsonl"
"$GAVEL" import-ratings --db "$db" "$TMP/adj.jsonl" >/dev/null 2>&1
expect_eq "$(sql "$db" "SELECT reviewer || ' ' || label || ' ' || ifnull(queue_order, 'NULL') FROM reviews WHERE decision = 'adjudicate'")" \
	"zed 2 import" "an imported adjudication says import"
run "$GAVEL" settle --db "$TMP/none.db"
expect_rc 1 "a missing database"
run "$GAVEL" settle --help
expect_rc 0 "settle --help"
expect_match "$out" "dawid-skene" "help lists the rules"
finish
