#!/usr/bin/env bash
# bench_queue.sh BUILD [SIZES] [SHARES] - the review queue at scale: databases
# of 100,000 and 1,000,000 items with 0%, 70% and 99% of them reviewed (the
# first ones in import order: the worst case for "unreviewed first"); for every
# order, start to first frame (median of 5) and key to next frame over 1,000
# decisions, refills included (median, p99, max), with one reviewer and with
# four at once; the commit of one decision alone. Baseline in the same run:
# the same database read with one indexed SELECT of 64 ids. Headless: curses
# draws into a virtual screen (bench_review.sh measures the drawing itself).
set -eu
build=${1:?usage: bench_queue.sh BUILD [SIZES] [SHARES]}
sizes=${2:-100000 1000000}
shares=${3:-0 70 99}
gavel=$(cd "$build/.." && pwd)/gavel
[ -x "$gavel" ] || gavel=$build/gavel
tool=$build/tools/queue_order
[ -x "$tool" ] || make -s "$tool" >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench-queue.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# every order of review --help (DB_ORDERS), each with keys to sort by
orders="unreviewed disagreement confidence random scorer uncertain llm-vs-scorer suspect audit"

stats() { # median p99 max of numbers on stdin (milliseconds)
	sort -n | awk '{ a[NR] = $1 } END {
		if (!NR) { print "- - -"; exit }
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		p = int(NR * 0.99 + 0.999); if (p > NR) p = NR
		printf "%.2f %.2f %.2f\n", m, a[p], a[NR] }'
}
wall_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }

# A database of n items with an LLM label and confidence each, and a scorer.
make_db() { # DB N
	"$gavel" init --db "$1" 2>/dev/null
	sqlite3 "$1" <<SQL
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $2)
INSERT INTO items (external_id, path, title, category)
SELECT printf('item-%07d', i), '/nonexistent/' || i || '.jpg', printf('item %d', i), 'c' || (i % 7) FROM s;
INSERT INTO runs (provider, model, status) VALUES ('bench', 'm', 'done');
INSERT INTO predictions (run_id, item_id, status, score, label, confidence)
SELECT 1, id, 'ok', 1 + id % 5, 1 + id % 5, ((id * 7919) % 1000) / 1000.0 FROM items;
INSERT INTO scorer_models (kind, target, features, params, oof_labels)
VALUES ('multinomial', 'human', '[]', '{}', 1);
INSERT INTO scores (model_id, item_id, score, probabilities, label, fold)
SELECT 1, id, ((id * 104729) % 5000) / 1000.0,
	json_array(x * 0.5, (1 - x) * 0.5, 0.2, 0.2, 0.1), 1 + id % 5, id % 5
FROM (SELECT id, ((id * 104729) % 1000) / 1000.0 AS x FROM items);
INSERT INTO runs (provider, model, status, params) VALUES ('scorer', 'model 1', 'done', '{"model_id":1}');
INSERT INTO predictions (run_id, item_id, status, score, label, confidence, raw_reply)
SELECT 2, id, 'ok', 1 + (id * 31) % 5, 1 + (id * 31) % 5, 0.5,
	json_object('entropy', ((id * 7907) % 1000) / 1000.0) FROM items;
SQL
}

# Reviews by earlier reviewers on the first share% of the items.
review_share() { # DB N FROM-PERCENT TO-PERCENT
	sqlite3 "$1" "INSERT INTO reviews (item_id, reviewer, decision, label)
		SELECT id, 'earlier' || (id % 4), 'override', 1 + (id * 3) % 5 FROM items
		WHERE id > $2 * $3 / 100 AND id <= $2 * $4 / 100"
}

run_keys() { # DB REVIEWER ORDER LOG: 1,000 accepts, timed key by key
	printf 'key a*1000\nkey q\n' >"$tmp/keys"
	GAVEL_TIMING=$4 "$gavel" review --db "$1" --reviewer "$2" --order "$3" --seed 7 \
		--script "$tmp/keys" --graphics none 2>/dev/null
}

echo "bench_queue: the review queue (headless); times in ms"
printf '%-9s %-4s %-13s %7s | %-22s | %-22s\n' items rev order start "1 reviewer med/p99/max" "4 reviewers med/p99/max"
for n in $sizes; do
	base=$tmp/base.db
	rm -f "$base"*
	t0=$(date +%s)
	make_db "$base" "$n"
	echo "  (built $n items in $(( $(date +%s) - t0 )) s)" >&2
	done_share=0
	for share in $shares; do
		review_share "$base" "$n" "$done_share" "$share"
		done_share=$share
		# an audit of 1% of the items, drawn after the reviews (the audit order)
		"$gavel" audit --db "$base" --size $((n / 100)) --seed 3 --name "bench $share" >/dev/null 2>&1
		sqlite3 "$base" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
		for order in $orders; do
			db=$tmp/run.db
			rm -f "$db"*
			cp "$base" "$db"
			printf 'key q\n' >"$tmp/quit"
			start=$(for i in 1 2 3 4 5; do
				wall_ms "$gavel" review --db "$db" --reviewer "s$i" --order "$order" --script "$tmp/quit" --graphics none
			done | sort -n | sed -n 3p)
			run_keys "$db" one "$order" "$tmp/one.log"
			one=$(awk '{ print $2 / 1000 }' "$tmp/one.log" | stats)
			for r in 1 2 3 4; do run_keys "$db" "four$r" "$order" "$tmp/four$r.log" & done
			wait
			four=$(cat "$tmp"/four?.log | awk '{ print $2 / 1000 }' | stats)
			printf '%-9s %-4s %-13s %7s | %-22s | %-22s\n' "$n" "$share%" "$order" "$start" "$one" "$four"
		done
		commit=$("$tool" commits "$db" committer 300 | awk '{ print $1 / 1000 }' | stats)
		base_read=$("$tool" baseline "$db" 1000 | awk '{ print $1 / 1000 }' | stats)
		printf '%-9s %-4s %-13s         | %-22s | baseline: one indexed SELECT of 64 ids %s\n' \
			"$n" "$share%" "commit alone" "$commit" "$base_read"
	done
done
