#!/usr/bin/env bash
# import-ratings beyond item,rater,label: the time column, JSONL, repeated
# ratings kept as votes, Label Studio JSON exports, Prodigy JSONL, --map for
# label names, and the errors for names that do not map. What was stored is
# read back with sqlite3, an independent witness.
. "$(dirname "$0")/lib.sh"

db=$TMP/i.db
"$GAVEL" init --db "$db" --scale bad,ok,good >/dev/null 2>&1
votes() { # ITEM RATER: the rater's votes on the item as settle counts them
	"$GAVEL" settle --db "$db" --rule majority --json |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print([i["reviews"] for i in d["items"] if i["item"] == sys.argv[1]][0])' "$1"
}

# ---- times: ISO 8601 with a zone, a date, Unix seconds; JSONL too ----
cat >"$TMP/t.csv" <<'EOF'
item,rater,label,time
a,ann,1,2024-05-01T12:00:00+02:00
b,ann,good,2024-05-02
c,ann,OK,1700000000
EOF
run "$GAVEL" import-ratings --db "$db" "$TMP/t.csv"
expect_rc 0 "a time column"
expect_eq "$(sql "$db" "SELECT group_concat(created_at, ' ') FROM (SELECT created_at FROM reviews ORDER BY id)")" \
	"2024-05-01T10:00:00.000Z 2024-05-02T00:00:00.000Z 2023-11-14T22:13:20.000Z" \
	"times stored in UTC, the zone applied, Unix seconds read"
expect_eq "$(sql "$db" "SELECT group_concat(label, '') FROM (SELECT label FROM reviews ORDER BY id)")" "132" \
	"labels by number and by name in any case"
printf '{"item": "d", "rater": "bo", "label": 2, "time": "2024-06-01 08:30:00"}\n' >"$TMP/t.jsonl"
run "$GAVEL" import-ratings --db "$db" "$TMP/t.jsonl"
expect_eq "$(sql "$db" "SELECT created_at FROM reviews WHERE reviewer = 'bo'")" "2024-06-01T08:30:00.000Z" "JSONL with a time"
printf 'item,rater,label,time\ne,ann,1,yesterday\n' >"$TMP/badtime.csv"
run "$GAVEL" import-ratings --db "$db" "$TMP/badtime.csv"
expect_rc 1 "a time that is not one"
expect_match "$err" "badtime.csv:2: time \"yesterday\" is not a date or time" "the bad time named with FILE:LINE"

# ---- repeated ratings are votes; importing twice adds nothing ----
printf 'item,rater,label\nr,ann,1\nr,ann,1\nr,ann,2\nr,bo,1\n' >"$TMP/rep.csv"
run "$GAVEL" import-ratings --db "$db" "$TMP/rep.csv"
expect_match "$err" "4 ratings added, 0 already present" "repeated ratings added"
expect_eq "$(votes r)" 4 "three ratings by ann and one by bo are four votes"
expect_eq "$(sql "$db" "SELECT group_concat(again, '') FROM (SELECT again FROM reviews r JOIN items i ON i.id = r.item_id WHERE i.external_id = 'r' AND reviewer = 'ann' ORDER BY r.id)")" "011" \
	"the second and third are marked again"
run "$GAVEL" import-ratings --db "$db" "$TMP/rep.csv"
expect_match "$err" "0 ratings added, 4 already present" "the same file twice adds nothing"
printf 'item,rater,label\nr,ann,3\n' >"$TMP/change.csv"
run "$GAVEL" import-ratings --db "$db" "$TMP/change.csv"
expect_eq "$(votes r)" 2 "a new rating replaces ann's votes: hers and bo's"

# ---- Label Studio ----
cat >"$TMP/ls.json" <<'EOF'
[
 {"id": 11, "data": {"image": "/data/upload/1/x.jpg", "item": "ls1"},
  "annotations": [
   {"id": 1, "completed_by": {"id": 3, "email": "ann@example.org"}, "was_cancelled": false,
    "created_at": "2024-01-02T03:04:05.678Z",
    "result": [{"from_name": "quality", "to_name": "image", "type": "choices",
                "value": {"choices": ["Good"]}}]},
   {"id": 2, "completed_by": 7, "was_cancelled": false,
    "result": [{"type": "choices", "value": {"choices": ["Meh"]}}]},
   {"id": 3, "completed_by": 8, "was_cancelled": true, "result": []}]},
 {"id": 12, "data": {"image": "/data/upload/1/y.jpg"},
  "annotations": [{"id": 4, "completed_by": 7, "result": [{"type": "rating", "value": {"rating": 1}}]}]}
]
EOF
run "$GAVEL" import-ratings --db "$db" "$TMP/ls.json"
expect_rc 1 "a Label Studio name that maps to nothing"
expect_match "$err" "label \"Meh\" is not on the scale \(1 bad, 2 ok, 3 good\); map it with --map 'Meh=N'" \
	"the error names the scale and the way out"
run "$GAVEL" import-ratings --db "$db" --map Meh=2 "$TMP/ls.json"
expect_rc 0 "Label Studio with --map"
expect_match "$err" "3 ratings added.*1 without a rating" "three ratings, the cancelled annotation counted apart"
expect_eq "$(sql "$db" "SELECT r.reviewer || ':' || r.label || ':' || CASE WHEN r.reviewer LIKE 'ann%' THEN r.created_at ELSE '' END FROM reviews r JOIN items i ON i.id = r.item_id WHERE i.external_id = 'ls1' ORDER BY r.reviewer")" \
	"$(printf 'ann@example.org:3:2024-01-02T03:04:05.678Z\nlabel-studio:7:2:')" \
	"annotators by email or id, choices mapped, the annotation's time kept"
expect_eq "$(sql "$db" "SELECT r.reviewer || ':' || r.label FROM reviews r JOIN items i ON i.id = r.item_id WHERE i.external_id = '12'")" \
	"label-studio:7:1" "a task without an item field is named by its id; a rating result"

# ---- Prodigy ----
cat >"$TMP/p.jsonl" <<'EOF'
{"image": "data:image/png;base64,AAAA", "meta": {"id": "p1"}, "options": [{"id": "GOOD", "text": "good"}, {"id": "BAD", "text": "bad"}], "accept": ["GOOD"], "answer": "accept", "_annotator_id": "shop-ann", "_timestamp": 1700000000}
{"image": "x.jpg", "id": "p2", "label": "bad", "answer": "accept", "_session_id": "shop-bo"}
{"image": "x.jpg", "id": "p3", "label": "bad", "answer": "reject", "_annotator_id": "shop-ann"}
{"image": "x.jpg", "id": "p4", "accept": [], "answer": "ignore"}
EOF
run "$GAVEL" import-ratings --db "$db" "$TMP/p.jsonl"
expect_rc 0 "Prodigy JSONL"
expect_match "$err" "2 ratings added.*2 without a rating" "accept gives a rating; reject and ignore none"
expect_eq "$(sql "$db" "SELECT i.external_id || ':' || r.reviewer || ':' || r.label || ':' || CASE WHEN i.external_id = 'p1' THEN r.created_at ELSE '' END FROM reviews r JOIN items i ON i.id = r.item_id WHERE i.external_id LIKE 'p_' ORDER BY i.external_id")" \
	"$(printf 'p1:shop-ann:3:2023-11-14T22:13:20.000Z\np2:shop-bo:1:')" \
	"options by id (GOOD is the level good), the item from meta, the annotator, the timestamp"
printf '{"id": "p9", "accept": ["GOOD", "BAD"], "answer": "accept"}\n' >"$TMP/multi.jsonl"
run "$GAVEL" import-ratings --db "$db" --format prodigy "$TMP/multi.jsonl"
expect_rc 1 "several accepted options"
expect_match "$err" "multi.jsonl:1: several options accepted" "the reason named"
printf '{"answer": "accept", "label": "good"}\n' >"$TMP/noid.jsonl"
run "$GAVEL" import-ratings --db "$db" "$TMP/noid.jsonl"
expect_match "$err" "noid.jsonl:1: no item id" "a task without an item id"
run "$GAVEL" import-ratings --db "$db" --item-field sku --format prodigy "$TMP/noid.jsonl"
expect_match "$err" "\"sku\"" "--item-field is the field asked for"
for bad in "--map x" "--map =2" "--map x=0" "--format excel"; do
	# shellcheck disable=SC2086
	run "$GAVEL" import-ratings --db "$db" $bad "$TMP/t.csv"
	expect_rc 2 "import-ratings $bad is a usage error"
done
finish
