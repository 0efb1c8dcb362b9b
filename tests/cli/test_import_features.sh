#!/usr/bin/env bash
# gavel import-features: CSV and JSONL vectors stored exactly (read back
# here with Python's sqlite3 and struct, compared with Python's own reading
# of the decimals), every kind of bad row reported as FILE:LINE with nothing
# stored, --skip-bad, re-imports and --replace.
. "$(dirname "$0")/lib.sh"

db=$TMP/f.db
"$GAVEL" init --db "$db" 2>/dev/null
printf 'item,rater,label\na,r,1\nb,r,2\nc,r,3\n7,r,4\n' >"$TMP/r.csv"
"$GAVEL" import-ratings --db "$db" "$TMP/r.csv" 2>/dev/null

# stored_equal DB SET FILE: every vector of SET equals the file's decimals
# read by Python (CSV with the id first, or JSONL), bit for bit
stored_equal() {
	python3 - "$@" <<'EOF'
import csv, json, sqlite3, struct, sys
db, name, path = sys.argv[1:4]
want = {}
if path.endswith(".csv"):
    rows = list(csv.reader(open(path)))
    cols = rows[0][1:]
    for r in rows[1:]:
        want[r[0].strip()] = [float(v) for v in r[1:]]
else:
    for line in open(path):
        o = json.loads(line)
        item = str(o.pop("item"))
        vals = list(o.values())
        want[item] = [float(v) for v in (vals[0] if len(vals) == 1 and isinstance(vals[0], list) else vals)]
con = sqlite3.connect(db)
got = {e: list(struct.unpack("<%dd" % d, v)) for e, d, v in con.execute(
    "SELECT i.external_id, f.dim, f.vector FROM features f JOIN items i ON i.id = f.item_id"
    " WHERE f.name = ?", (name,))}
print("same" if got == want else "differ: got %r want %r" % (got, want))
EOF
}

printf 'id,x,y\na,1,2.5\nb,-3e-7,0.1\n"c", 0.30000000000000004 ,1e300\n' >"$TMP/good.csv"
run "$GAVEL" import-features --db "$db" --set emb "$TMP/good.csv"
expect_rc 0 "a good CSV"
expect_match "$err" "3 vectors of 2 values stored in feature set emb" "says what it stored"
expect_eq "$(stored_equal "$db" emb "$TMP/good.csv")" same "CSV values kept exactly"
expect_eq "$(sql "$db" "SELECT dim || ' ' || columns || ' ' || value_type || ' ' || origin FROM feature_sets WHERE name = 'emb'")" \
	'2 ["x","y"] f64 imported' "the set's columns and type"

printf '{"item": "a", "v": [0.1, 0.2, 0.3]}\n{"item": "b", "v": [1, 2, 3]}\n{"item": 7, "v": [-1, 1e-300, 5]}\n' >"$TMP/arr.jsonl"
run "$GAVEL" import-features --db "$db" --set arr "$TMP/arr.jsonl"
expect_rc 0 "JSONL with an array"
expect_eq "$(stored_equal "$db" arr "$TMP/arr.jsonl")" same "JSONL arrays kept exactly (a numeric id too)"
expect_eq "$(sql "$db" "SELECT columns FROM feature_sets WHERE name = 'arr'")" '["v_0","v_1","v_2"]' "array columns named v_0.."
printf '{"item": "a", "w": 1, "h": 2}\n{"h": 4, "item": "b", "w": 3}\n' >"$TMP/flat.jsonl"
run "$GAVEL" import-features --db "$db" --set flat "$TMP/flat.jsonl"
expect_rc 0 "JSONL with fields"
expect_eq "$(sql "$db" "SELECT columns FROM feature_sets WHERE name = 'flat'")" '["w","h"]' "fields named in the first record's order"
expect_eq "$(stored_equal "$db" flat "$TMP/flat.jsonl" | cut -c1-4)" "diff" "(Python's order differs on line 2: the check sees it)"
expect_eq "$(sql "$db" "SELECT hex(vector) FROM features f JOIN items i ON i.id = f.item_id WHERE f.name = 'flat' AND i.external_id = 'b'")" \
	"$(python3 -c 'import struct; print(struct.pack("<2d", 3, 4).hex().upper())')" "fields are taken by name, not position"

# every kind of problem, each on its line; nothing stored
printf 'item,x,y\na,1,2\nb,3\nzz,1,2\nc,nan,1\na,1,1\n7,1,x\nc,inf,0\n"c,1,2\n' >"$TMP/bad.csv"
run "$GAVEL" import-features --db "$db" --set bad "$TMP/bad.csv"
expect_rc 1 "bad rows fail the import"
for want in "bad.csv:3: 1 values, the header has 2" "bad.csv:4: no item 'zz'" \
	"bad.csv:5: 'nan' is not a finite number" "bad.csv:6: item 'a' appears twice \(first on line 2\)" \
	"bad.csv:7: 'x' is not a number" "bad.csv:8: 'inf' is not a finite number" \
	"bad.csv:9: a quoted field is not closed" "7 bad rows: nothing stored"; do
	expect_match "$err" "$want" "reported: $want"
done
expect_eq "$(sql "$db" "SELECT count(*) FROM features WHERE name = 'bad'")" 0 "nothing stored"
expect_eq "$(sql "$db" "SELECT count(*) FROM feature_sets WHERE name = 'bad'")" 0 "no set either"
printf '{"item": "a", "v": [1, 2]}\n{"item": "b", "v": [1]}\n{"item": "c", "v": [1, "2"]}\n{"id": "7"}\nnot json\n' >"$TMP/bad.jsonl"
run "$GAVEL" import-features --db "$db" --set badj "$TMP/bad.jsonl"
expect_rc 1 "bad JSONL"
for want in 'bad.jsonl:2: "v" has 1 values, the first record had 2' \
	"bad.jsonl:3: the value of 'v_1' is not a number" 'bad.jsonl:4: no "v" array' \
	"bad.jsonl:5: not a JSON object"; do
	expect_match "$err" "$want" "reported: $want"
done
run "$GAVEL" import-features --db "$db" --set bad --skip-bad "$TMP/bad.csv"
expect_rc 0 "--skip-bad"
expect_eq "$(sql "$db" "SELECT group_concat(i.external_id) FROM features f JOIN items i ON i.id = f.item_id WHERE f.name = 'bad' ORDER BY i.id")" \
	"a" "--skip-bad keeps the good rows only"

# re-importing: the same columns replace the items' vectors; others need --replace
printf 'id,x,y\na,9,9\n' >"$TMP/again.csv"
run "$GAVEL" import-features --db "$db" --set emb "$TMP/again.csv"
expect_rc 0 "re-import with the same columns"
expect_eq "$(sql "$db" "SELECT count(*) FROM features WHERE name = 'emb'")" 3 "other items keep theirs"
printf 'id,x,y,z\na,1,2,3\n' >"$TMP/wider.csv"
run "$GAVEL" import-features --db "$db" --set emb "$TMP/wider.csv"
expect_rc 1 "other columns are refused"
expect_match "$err" "exists with other columns.*--replace" "and --replace is named"
run "$GAVEL" import-features --db "$db" --set emb --replace "$TMP/wider.csv"
expect_rc 0 "--replace"
expect_eq "$(sql "$db" "SELECT count(*) || ' ' || min(dim) FROM features WHERE name = 'emb'")" "1 3" "the old vectors are gone"

for name in pixels-v2 llm-score "a,b" ""; do
	run "$GAVEL" import-features --db "$db" --set "$name" "$TMP/good.csv"
	expect_rc 2 "--set '$name' is refused"
done
run "$GAVEL" import-features --db "$db" --set x "$TMP/nonexistent.csv"
expect_rc 1 "a missing file"
finish
