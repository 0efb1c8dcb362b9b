#!/usr/bin/env bash
# bench_import.sh GAVEL [N] - import a generated N-line manifest (default
# 100,000) into a fresh database, with --no-probe (the manifest carries the
# probed facts) and with probing; memory at N/10 and N to show it is flat.
# Baseline in the same run: the sqlite3 shell's .import of the same rows into a
# table with the same unique indexes -- the floor for any importer.
set -eu
gavel=${1:?usage: bench_import.sh GAVEL [N]}
n=${2:-100000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
here=$(dirname "$0")

echo "bench_import: generating $n images and a manifest..."
python3 "$here/gen_manifest.py" "$tmp" "$n"
head -n $((n / 10)) "$tmp/manifest.jsonl" >"$tmp/small.jsonl"

# measure LABEL CMD...: wall seconds and peak RSS (KB) of CMD
measure() {
	local label=$1; shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
	read -r secs kb <"$tmp/time"
	printf '%s %s\n' "$secs" "$kb"
}
fresh() { rm -f "$tmp/g.db"*; "$gavel" init --db "$tmp/g.db" 2>/dev/null; }

fresh; read -r t_small kb_small < <(measure small "$gavel" import --db "$tmp/g.db" --no-probe "$tmp/small.jsonl")
fresh; read -r t_np kb_np < <(measure noprobe "$gavel" import --db "$tmp/g.db" --no-probe "$tmp/manifest.jsonl")
items=$(sqlite3 "$tmp/g.db" "SELECT count(*) FROM items")
fresh; read -r t_probe kb_probe < <(measure probe "$gavel" import --db "$tmp/g.db" "$tmp/manifest.jsonl")

rm -f "$tmp/base.db"
sqlite3 "$tmp/base.db" "PRAGMA journal_mode=WAL; CREATE TABLE items (external_id TEXT NOT NULL UNIQUE, path TEXT, sha256 TEXT UNIQUE, title TEXT, category TEXT);" >/dev/null
read -r t_base _ < <(measure baseline sqlite3 "$tmp/base.db" -cmd ".mode csv" ".import $tmp/rows.csv items")

awk -v n="$n" -v items="$items" -v tnp="$t_np" -v tp="$t_probe" -v tb="$t_base" \
	-v ks="$kb_small" -v knp="$kb_np" -v kp="$kb_probe" 'BEGIN {
	printf "import of %d manifest lines (%d items stored)\n", n, items
	printf "  --no-probe      %6.2f s  %9.0f items/s  peak %6.1f MB\n", tnp, n / (tnp > 0 ? tnp : 0.01), knp / 1024
	printf "  probing         %6.2f s  %9.0f items/s  peak %6.1f MB\n", tp, n / (tp > 0 ? tp : 0.01), kp / 1024
	printf "  sqlite3 .import %6.2f s  %9.0f rows/s   (baseline)\n", tb, n / (tb > 0 ? tb : 0.01)
	printf "  ratio --no-probe / baseline: %.2f\n", tnp / (tb > 0 ? tb : 0.01)
	printf "  peak memory at %d lines: %.1f MB; at %d lines: %.1f MB (ratio %.2f)\n", n / 10, ks / 1024, n, knp / 1024, knp / ks
	printf "  target: %d items in under 3 s with --no-probe: %s\n", n, (tnp < 3 ? "met" : "NOT met")
}'
