#!/usr/bin/env bash
# gavel features: the pixel feature set stored per item, checked against an
# independent computation (tests/cli/features_store_check.py, through
# features_check.py's formulas and PNG decoder); items without an image
# skipped and counted; nothing measured twice; a run killed with SIGKILL or
# stopped with Ctrl-C (SIGINT) resumed without redoing what it committed.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
samples=$here/../../samples/images

# ---- values, counts, skips ----
db=$TMP/f.db
run "$GAVEL" init --db "$db"
python3 "$here/features_store_check.py" "$TMP" manifest
run "$GAVEL" import --db "$db" --no-probe "$TMP/manifest.jsonl"
expect_rc 0 "import the patterns"
printf 'item,rater,label\nno-image,ana,3\n' >"$TMP/r.csv"
run "$GAVEL" import-ratings --db "$db" "$TMP/r.csv"
run "$GAVEL" features --db "$db" --jobs 2
expect_rc 0 "features"
expect_match "$err" "measured 6 items" "six images measured"
expect_match "$err" "skipped 1 item without an image and 1 with only a URL" "skips counted"
result=$(python3 "$here/features_store_check.py" "$db" "$TMP" 2>&1)
line=$(printf '%s\n' "$result" | tail -n 1)
p=${line%% passed*} f=${line#*passed, } f=${f%% failed*}
if [ -n "$p" ] && [ "$p" -gt 0 ] 2>/dev/null; then
	pass=$((pass + p)) fail=$((fail + f))
	[ "$f" -eq 0 ] || printf '%s\n' "$result" | grep '^FAIL' >&2
else
	not_ok "features_store_check.py: $result"
fi
run "$GAVEL" features --db "$db"
expect_match "$err" "measured 0 items" "a second run measures nothing"
run "$GAVEL" features --db "$db" --list
expect_match "$out" "^pixels-v1 +13 float32 measured +6 items" "--list"

# an image that cannot be read any more: reported, not stored, exit 0
cp "$TMP/stripes.png" "$TMP/broken.png"
printf '{"id": "broken", "path": "broken.png"}\n' >"$TMP/m2.jsonl"
run "$GAVEL" import --db "$db" "$TMP/m2.jsonl"
printf 'not a png any more' >"$TMP/broken.png"
run "$GAVEL" features --db "$db"
expect_rc 0 "an unreadable image is not a failure of the run"
expect_match "$err" "1 image could not be read" "unreadable counted"
expect_eq "$(sql "$db" "SELECT count(*) FROM features f JOIN items i ON i.id = f.item_id
	WHERE i.external_id = 'broken'")" 0 "nothing stored for it"

# ---- interrupted runs resume without redoing items ----
# unique copies of the sample photos: a comment segment after SOI changes the
# bytes (and the hash), not the pixels
python3 - "$samples" "$TMP/many" <<'EOF'
import os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
photos = sorted(p for p in os.listdir(src) if p.endswith(".jpg"))
for i in range(360):
    data = open(os.path.join(src, photos[i % len(photos)]), "rb").read()
    note = b"copy %d" % i
    seg = b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note
    open(os.path.join(out, "p%03d.jpg" % i), "wb").write(data[:2] + seg + data[2:])
EOF
# wait_rows DB N: until the database holds at least N vectors (10 s at most)
wait_rows() {
	for _ in $(seq 1 200); do
		[ "$(sql "$1" "SELECT count(*) FROM features")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
for sig in KILL INT; do
	db=$TMP/k$sig.db
	"$GAVEL" init --db "$db" 2>/dev/null
	"$GAVEL" import --db "$db" "$TMP/many" 2>/dev/null
	"$GAVEL" features --db "$db" --jobs 1 >"$TMP/k.out" 2>"$TMP/k.err" &
	pid=$!
	wait_rows "$db" 1 || not_ok "$sig: nothing committed in 10 s"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	before=$(sql "$db" "SELECT count(*) FROM features")
	if [ "$sig" = KILL ]; then
		expect_eq "$rc" 137 "killed with SIGKILL"
	else
		expect_eq "$rc" 130 "Ctrl-C exits 130"
		expect_match "$(cat "$TMP/k.err")" "interrupted" "Ctrl-C says interrupted"
	fi
	if [ "$before" -ge 360 ]; then
		not_ok "$sig: the run finished before the signal ($before rows)"
		continue
	fi
	run "$GAVEL" features --db "$db" --jobs 2
	expect_rc 0 "$sig: resumed"
	expect_match "$err" "measured $((360 - before)) items" "$sig: the rest only ($before were kept)"
	expect_eq "$(sql "$db" "SELECT count(*) FROM features")" 360 "$sig: every item measured once"
done
# the vectors do not depend on the number of workers or on the interruption
expect_eq "$(sql "$TMP/kKILL.db" "SELECT hex(group_concat(hex(vector), '')) FROM
	(SELECT f.vector FROM features f JOIN items i ON i.id = f.item_id ORDER BY i.path)")" \
	"$(sql "$TMP/kINT.db" "SELECT hex(group_concat(hex(vector), '')) FROM
	(SELECT f.vector FROM features f JOIN items i ON i.id = f.item_id ORDER BY i.path)")" \
	"the same vectors however the work was split"
finish
