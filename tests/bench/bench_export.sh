#!/usr/bin/env bash
# bench_export.sh GAVEL [N] [IMAGES] - gavel export on a database of N items
# (default 1,000,000), each settled by one reviewer's label and carrying an
# LLM answer with a rationale: a JSONL export of all of them, and of the
# tenth in one category (peak memory should be the same: rows stream, flat
# memory), and of all of them with an exact 80/10/10 split (two passes); then an imagefolder export with --link and an 80/10/10 split of
# IMAGES items (default 100,000) with real files. Baselines in the same run:
# the sqlite3 shell writing the same join as JSON (the floor for reading the
# rows at all), and cp -al of the same image files (the floor for the links).
# Targets: JSONL of 1,000,000 under 5 s with flat memory; imagefolder of
# 100,000 with --link under 10 s.
set -eu
gavel=${1:?usage: bench_export.sh GAVEL [N] [IMAGES]}
n=${2:-1000000}
m=${3:-100000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
db=$tmp/export.db

echo "bench_export: building $n settled items with an LLM answer..."
"$gavel" init --db "$db" 2>/dev/null
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO prompt_versions (id, hash, name, text) VALUES (1, 'bench', 'bench.md', 'bench');
INSERT INTO runs (id, provider, model, prompt_version_id, status) VALUES (1, 'openai', 'bench', 1, 'done');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO items (id, external_id, has_image, category, metadata)
  SELECT i, 'item' || i, 0, CASE WHEN i % 10 = 0 THEN 'tenth' ELSE 'rest' END,
    '{"source": "bench", "n": ' || i || '}' FROM n;
INSERT INTO predictions (run_id, item_id, status, score, label, rationale, prompt_tokens, completion_tokens)
  SELECT 1, id, 'ok', 1 + (id * 7) % 5, 1 + (id * 7) % 5,
    'The subject is sharp and well exposed; the framing is ordinary.', 900, 150 FROM items;
INSERT INTO reviews (item_id, reviewer, decision, label, blind, created_at)
  SELECT id, CASE id % 3 WHEN 0 THEN 'ana' WHEN 1 THEN 'ben' ELSE 'cy' END,
    CASE WHEN id % 10 < 7 THEN 'accept' ELSE 'override' END,
    CASE WHEN id % 10 < 7 THEN 1 + (id * 7) % 5
         ELSE 1 + ((id * 7) % 5 + 1) % 5 END, 0, '2026-01-01T00:00:00Z' FROM items;
COMMIT;
SQL
"$gavel" stats --db "$db" >/dev/null 2>&1 # the queue state, built once, outside the timings

# measure CMD...: wall seconds and peak RSS (KB)
measure() {
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
	cat "$tmp/time"
}
# the best of three, against a noisy shared machine; $tmp/x is removed first
best() {
	local b=999 kb=0 t k
	for _ in 1 2 3; do
		rm -rf "$tmp/x"
		read -r t k < <(measure "$@")
		if awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t kb=$k; fi
	done
	echo "$b $kb"
}

read -r t_base _ < <(best sqlite3 -json "$db" "SELECT i.id, i.external_id, i.metadata, r.reviewer,
	r.label, r.created_at, p.label, p.score, p.rationale FROM items i JOIN reviews r ON r.item_id = i.id
	JOIN predictions p ON p.item_id = i.id")
read -r t_all kb_all < <(best "$gavel" export --db "$db" -q "$tmp/x")
rows=$(wc -l <"$tmp/x/gold.jsonl")
read -r t_tenth kb_tenth < <(best "$gavel" export --db "$db" -q --category tenth "$tmp/x")
read -r t_exact kb_exact < <(best "$gavel" export --db "$db" -q --split 80/10/10 --split-mode exact "$tmp/x")

echo "bench_export: writing $m image files..."
img=$tmp/img.db
mkdir -p "$tmp/images"
"$gavel" init --db "$img" 2>/dev/null
python3 - "$img" "$tmp/images" "$m" <<'EOF'
import hashlib, os, sqlite3, sys
db, folder, m = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
rows = []
for i in range(1, m + 1):
    data = b"\x89PNG\r\n\x1a\n" + i.to_bytes(8, "big") * 8
    path = os.path.join(folder, "%d.png" % i)
    with open(path, "wb") as f:
        f.write(data)
    rows.append((i, "img%d" % i, path, hashlib.sha256(data).hexdigest(), len(data)))
con.executemany("INSERT INTO items (id, external_id, path, sha256, format, width, height, bytes,"
                " has_image) VALUES (?, ?, ?, ?, 'png', 8, 8, ?, 1)", rows)
con.executemany("INSERT INTO reviews (item_id, reviewer, decision, label, blind) VALUES"
                " (?, 'ana', 'override', ?, 1)", [(i, 1 + i % 5) for i in range(1, m + 1)])
con.commit()
EOF
"$gavel" stats --db "$img" >/dev/null 2>&1
read -r t_cp _ < <(best cp -al "$tmp/images" "$tmp/x")
read -r t_hf kb_hf < <(best "$gavel" export --db "$img" -q --format imagefolder --link \
	--split 80/10/10 --seed 1 "$tmp/x")
listed=$(cat "$tmp/x"/*/metadata.jsonl | wc -l)

awk -v n="$n" -v m="$m" -v rows="$rows" -v listed="$listed" -v tb="$t_base" -v ta="$t_all" \
	-v ka="$kb_all" -v tt="$t_tenth" -v kt="$kb_tenth" -v tc="$t_cp" -v th="$t_hf" -v kh="$kb_hf" \
	-v te="$t_exact" -v ke="$kb_exact" 'BEGIN {
	printf "gavel export, best of 3\n"
	printf "  sqlite3 -json of the join, %d rows  %6.2f s  (baseline)\n", n, tb
	printf "  export jsonl, %d rows        %6.2f s  peak %6.1f MB  %.2fx baseline  (target < 5 s)\n", rows, ta, ka / 1024, ta / (tb > 0 ? tb : 0.01)
	printf "  export jsonl, the tenth           %6.2f s  peak %6.1f MB  (memory ratio all/tenth %.2f; flat = 1)\n", tt, kt / 1024, ka / (kt > 0 ? kt : 1)
	printf "  export jsonl, exact 80/10/10 split %6.2f s  peak %6.1f MB  (two passes, the plan in memory)\n", te, ke / 1024
	printf "  cp -al of %d images          %6.2f s  (baseline)\n", m, tc
	printf "  export imagefolder --link, %d images listed  %6.2f s  peak %6.1f MB  %.2fx baseline  (target < 10 s)\n", listed, th, kh / 1024, th / (tc > 0 ? tc : 0.01)
}'
