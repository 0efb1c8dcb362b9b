#!/usr/bin/env bash
# Unknown references are errors, not empty reports: --run, --reviewer and
# --prompt of agree, --run of review, --resume of label, prompts show.
. "$(dirname "$0")/lib.sh"
db=$TMP/g.db
"$GAVEL" init --db "$db" 2>/dev/null
"$GAVEL" import --db "$db" "$(dirname "$0")/../../samples/manifest.jsonl" >/dev/null 2>&1
"$GAVEL" label --db "$db" --provider heuristic --limit 6 >/dev/null 2>&1
ids=$(sql "$db" "SELECT external_id FROM items ORDER BY id LIMIT 4")
{
	echo "item,rater,label"
	for i in $ids; do echo "$i,ana,3"; echo "$i,ベン,4"; done
} >"$TMP/ratings.csv"
"$GAVEL" import-ratings --db "$db" "$TMP/ratings.csv" 2>/dev/null

unknown() { # NAME EXPECTED-MESSAGE CMD...
	local name=$1 message=$2; shift 2
	run "$@"
	expect_rc 1 "$name is an error"
	expect_match "$err" "$message" "$name says what is unknown"
	expect_eq "$out" "" "$name prints no report"
}
unknown "agree --run 99" "there is no run 99" "$GAVEL" agree --db "$db" --run 99
unknown "agree --reviewer nobody" 'no labels by reviewer "nobody" \(reviewers with labels: ana, ベン\)' "$GAVEL" agree --db "$db" --reviewer nobody
unknown "agree --reviewer ana --reviewer nobody" 'no labels by reviewer "nobody"' "$GAVEL" agree --db "$db" --reviewer ana --reviewer nobody
unknown "agree --reviewer 'ana '" 'no labels by reviewer "ana "' "$GAVEL" agree --db "$db" --reviewer "ana "
unknown "agree --reviewer %" 'no labels by reviewer "%"' "$GAVEL" agree --db "$db" --reviewer "%"
unknown "agree --prompt nope" 'no prompt version "nope"' "$GAVEL" agree --db "$db" --prompt nope
unknown "review --run 99" "has no run 99" "$GAVEL" review --db "$db" --run 99 --script /dev/null
unknown "label --resume 99" "has no run 99" "$GAVEL" label --db "$db" --resume 99
unknown "prompts show nope" 'no prompt version "nope"' "$GAVEL" prompts --db "$db" show nope

# known references still work: a reviewer with labels, one whose labels all
# fall outside the dates (an empty report, not an error), a known run
run "$GAVEL" agree --db "$db" --reviewer ベン
expect_rc 0 "agree --reviewer with labels"
run "$GAVEL" agree --db "$db" --reviewer ana --since 2999-01-01
expect_rc 0 "agree --reviewer whose labels are outside the dates"
run "$GAVEL" agree --db "$db" --run 1
expect_rc 0 "agree --run 1"
run "$GAVEL" review --db "$db" --run 1 --script /dev/null
expect_rc 0 "review --run 1"

# a database without any label: says so
db2=$TMP/empty.db
"$GAVEL" init --db "$db2" 2>/dev/null
run "$GAVEL" agree --db "$db2" --reviewer ana
expect_rc 1 "agree --reviewer on a database without labels"
expect_match "$err" 'no labels by reviewer "ana" \(no reviewer has labels yet\)' "says no reviewer has labels"

finish
