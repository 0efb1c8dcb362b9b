#!/usr/bin/env bash
# The review queue: the kept state hands out the same items in the same order
# as the release before it did (queue_check.py, against that release's SQL),
# and one reviewer per item holds whatever the timing: eight reviewers at once
# with short leases, idle periods, one frozen past its lease and one killed.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
tool=${GAVEL_BUILD:-$here/../../build}/tools/queue_order

# ---- the orders, before and after the migration ----
mkdir -p "$TMP/qc"
if python3 "$here/queue_check.py" "$tool" "$TMP/qc" >"$TMP/qc.out" 2>&1; then ok; else
	not_ok "queue orders differ from the old release's: $(grep FAIL "$TMP/qc.out" | head -5)"
fi
n=$(sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p' "$TMP/qc.out")
expect_match "${n:-0}" '^[1-9][0-9]+$' "queue_check compared every order ($n checks)"

# ---- eight reviewers, 3-second leases renewed every half second ----
big=$TMP/big
mkdir -p "$big"
python3 "$here/../bench/gen_manifest.py" "$big" 800 >/dev/null
db=$big/g.db
"$GAVEL" init --db "$db" 2>/dev/null
"$GAVEL" import --db "$db" -q --no-probe "$big/manifest.jsonl"
sql "$db" "INSERT INTO runs (provider, model, status) VALUES ('test', 'm', 'done');
	INSERT INTO predictions (run_id, item_id, status, score, label, confidence)
	SELECT 1, id, 'ok', 1 + id % 5, 1 + id % 5, (id % 10) / 10.0 FROM items;"
lease="--lease 0.05 --renew 0.5"
# idle for longer than a lease (the session renews its claims while idle),
# then work; j at the end looks for items others walked away from
printf 'key a*20\nsleep 4000\nkey a*60\nsleep 3500\nkey a*200 j*3 a*200 j*3 a*100\nkey q\n' >"$big/work"
printf 'key a*10\nsleep 60000\nkey q\n' >"$big/stall"
orders=(unreviewed random random disagreement confidence unreviewed random scorer)
for i in 1 2 3 4 5 6 7 8; do
	"$GAVEL" review --db "$db" --reviewer "r$i" --order "${orders[$((i - 1))]}" --seed "$i" \
		--overlap 0.1 $lease --script "$big/work" --size 100x30 2>"$big/r$i.err" &
	pids[$i]=$!
done
# r9 freezes past its lease holding queued claims, then wakes and goes on;
# r10 is killed with claims held: both sets of items must go to the others
"$GAVEL" review --db "$db" --reviewer r9 --overlap 0.1 $lease --script "$big/work" --size 100x30 2>"$big/r9.err" &
frozen=$!
"$GAVEL" review --db "$db" --reviewer r10 --overlap 0.1 $lease --script "$big/stall" --size 100x30 2>/dev/null &
killed=$!
sleep 1
kill -STOP $frozen
kill -9 $killed
sleep 5
kill -CONT $frozen
wait "${pids[@]}" $frozen 2>/dev/null
wait $killed 2>/dev/null

beyond=$(sql "$db" "SELECT count(*) FROM (SELECT r.item_id FROM reviews r JOIN items i ON i.id = r.item_id
	WHERE r.decision IN ('accept', 'override') GROUP BY 1
	HAVING count(DISTINCT r.reviewer) > 1 + ((i.id * 2654435761) % 1000 < 100))")
expect_eq "$beyond" 0 "no item was decided by more reviewers than it needs (10 reviewers, 3 s leases)"
expect_eq "$(sql "$db" "SELECT count(*) FROM items WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = items.id AND r.decision IN ('accept', 'override'))")" 0 \
	"every item was decided, the frozen and the killed reviewers' included"
overlap=$(sql "$db" "SELECT count(*) FROM items WHERE (id * 2654435761) % 1000 < 100")
expect_eq "$(sql "$db" "SELECT count(*) FROM (SELECT item_id FROM reviews WHERE decision IN ('accept', 'override') GROUP BY 1 HAVING count(DISTINCT reviewer) = 2)")" \
	"$overlap" "every overlap item went to two different reviewers"
for i in 1 2 3 4 5 6 7 8 9; do
	n=$(sed -n "s/.*r$i has reviewed \([0-9]*\) of.*/\1/p" "$big/r$i.err")
	expect_eq "$(sql "$db" "SELECT decided FROM reviewer_counts WHERE reviewer = 'r$i'")" "${n:-missing}" \
		"r$i: every acknowledged decision is on disk"
done
# the kept state against the log, recounted by SQLite
expect_eq "$(sql "$db" "SELECT n FROM queue_counts WHERE name = 'reviewed'")" \
	"$(sql "$db" "SELECT count(DISTINCT item_id) FROM standing WHERE decision IN ('accept', 'override')")" \
	"the kept reviewed count matches the standing decisions"
expect_eq "$(sql "$db" "SELECT count(*) FROM item_queue q WHERE claimers <> (SELECT count(*) FROM claims c WHERE c.item_id = q.item_id)")" 0 \
	"the kept claim counts match the claims"
expect_eq "$(sql "$db" "SELECT count(*) FROM item_queue q WHERE deciders <> (SELECT count(*) FROM standing s WHERE s.item_id = q.item_id AND s.decision IN ('accept', 'override'))")" 0 \
	"the kept decider counts match the standing decisions"

# ---- a lease not longer than the renewal is refused ----
run "$GAVEL" review --db "$db" --reviewer x --lease 0.01 --renew 1 --script "$big/stall" --size 100x30
expect_rc 2 "a 0.6 s lease with a 1 s renewal is refused"
expect_match "$err" "renewal" "and says why"

finish
