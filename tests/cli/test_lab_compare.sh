#!/usr/bin/env bash
# `gavel prompts compare run:1 run:2 --json` on data loaded as a new user
# would (init --scale, import-ratings, import-ratings --llm twice), every
# figure recomputed by lab_compare_check.py from the files it wrote: each
# run's kappa (unweighted, linear, quadratic) and exact agreement, B - A,
# jackknife standard errors, the paired bootstrap replayed, McNemar's counts,
# exact p and chi-square, the sign test, every item's class; and R's
# published McNemar values reached through files.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

strict_check "$here/lab_compare_check.py" "$GAVEL" "$here/../data" "$TMP"

# The text report names the same figures.
mkdir -p "$TMP/t" && cd "$TMP/t" || exit 1
printf 'item,rater,label\n' >h.csv && cp h.csv a.csv && cp h.csv b.csv
for i in $(seq 1 30); do
	echo "i$i,ann,$((i % 3 + 1))" >>h.csv
	echo "i$i,x,$(((i + (i % 4 == 0)) % 3 + 1))" >>a.csv
	echo "i$i,y,$(((i + (i % 5 == 0)) % 3 + 1))" >>b.csv
done
run "$GAVEL" init --db t.db --scale low,mid,high
run "$GAVEL" import-ratings --db t.db h.csv
run "$GAVEL" import-ratings --db t.db --llm x a.csv
run "$GAVEL" import-ratings --db t.db --llm y b.csv
run "$GAVEL" prompts --db t.db compare run:1 run:2
expect_rc 0 "compare run:1 run:2"
for word in 'kappa, quadratic weights' 'McNemar' 'exact p' 'sign test' 'SE \(jack\)' 'seed'; do
	expect_match "$out" "$word" "the report shows $word"
done
run "$GAVEL" prompts --db t.db compare run:1 run:9
expect_rc 1 "a run that does not exist"
expect_match "$err" "has no run 9" "the missing run is named"
finish
