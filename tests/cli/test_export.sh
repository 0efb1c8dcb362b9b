#!/usr/bin/env bash
# gavel export: a fixture database against golden files written by hand
# (tests/data/export/make_golden.py); every row of larger exports against
# rows rebuilt from the database by export_check.py; the CSV through a
# strict RFC 4180 reader; the demo database's imagefolder against the
# datasets loader's rules; byte-identical output; split proportions,
# stratification and stability when items are added; the manifest's
# figures; a round trip through import-ratings with the same agreement;
# --force, --link, and nothing written outside the target.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data/export
check=$here/export_check.py

pycheck() { # NAME ARGS...: export_check.py ARGS, its failures named NAME
	python_check -n "$1" "$check" "${@:2}"
}

# ---- the fixture: four items, two raters, the LLM, an adjudication ----
f=$TMP/f.db
"$GAVEL" init --db "$f" --scale bad,ok,good >/dev/null 2>&1
cat >"$TMP/f.csv" <<'EOF'
item,rater,label,time
a,ann,3,2024-01-01T10:00:00Z
a,bo,3,2024-01-01T11:00:00Z
b,ann,1,2024-01-02T10:00:00Z
b,bo,2,2024-01-02T11:00:00Z
c,ann,2,2024-01-03T10:00:00Z
c,ann,2,2024-01-03T10:05:00Z
a,m1,3,
b,m1,1,
c,m1,2,
d,m1,1,
EOF
"$GAVEL" import-ratings --db "$f" --llm m1 "$TMP/f.csv" >/dev/null 2>&1
printf '{"item": "b", "votes": [], "adjudicator": "zed", "label": 2, "adjudication_reason": "looked closer, \\"ok\\"", "adjudicated_at": "2024-01-04T09:00:00Z"}\n' >"$TMP/adj.jsonl"
"$GAVEL" import-ratings --db "$f" "$TMP/adj.jsonl" >/dev/null 2>&1
expect_eq "$(sql "$f" "SELECT count(*) FROM reviews WHERE decision = 'adjudicate'")" 1 "fixture: one adjudication"

mkdir -p "$TMP/x" "$TMP/y"
(cd "$TMP/x" && "$GAVEL" export --db ../f.db -q out) && ok || not_ok "export jsonl"
(cd "$TMP/x" && "$GAVEL" export --db ../f.db --format csv -q csv) && ok || not_ok "export csv"
if cmp -s "$data/gold.jsonl" "$TMP/x/out/gold.jsonl"; then ok; else
	not_ok "JSONL golden file: $(diff "$data/gold.jsonl" "$TMP/x/out/gold.jsonl" | head -5)"; fi
if cmp -s "$data/gold.csv" "$TMP/x/csv/gold.csv"; then ok; else
	not_ok "CSV golden file: $(diff "$data/gold.csv" "$TMP/x/csv/gold.csv" | head -5)"; fi
pycheck "fixture rows" rows "$f" "$TMP/x/out"
pycheck "fixture csv" csv "$TMP/x/csv" "$TMP/x/out"
pycheck "fixture manifest" manifest "$f" "$TMP/x/out"
m=$TMP/x/out/manifest.json
expect_eq "$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["command"], m["format"], m["settle"], m["counts"]["left_out"], m["counts"]["by_label"], m["files"], m["gavel_version"] != "")' "$m")" \
	"gavel export --db ../f.db -q out jsonl {'rule': 'unanimous', 'min_reviews': 1} {'unsettled': 1, 'filtered': 0, 'no_image': 0} {'1': 0, '2': 2, '3': 1} ['gold.jsonl'] True" \
	"the manifest: command line, rule, what was left out, counts, files"
# determinism: the same command elsewhere gives the same bytes, manifest included
(cd "$TMP/y" && "$GAVEL" export --db ../f.db -q out)
if diff -r "$TMP/x/out" "$TMP/y/out" >/dev/null; then ok; else not_ok "the same export twice differs"; fi

# filters and rules
"$GAVEL" export --db "$f" -q --all "$TMP/all"
pycheck "--all rows" rows "$f" "$TMP/all" --all
"$GAVEL" export --db "$f" -q --rule majority --quorum 0.5 --min-reviews 2 "$TMP/maj"
pycheck "majority rows" rows "$f" "$TMP/maj" --rule majority --min-reviews 2 --quorum 0.5
"$GAVEL" export --db "$f" -q --reviewer bo "$TMP/bo"
expect_eq "$(cut -c1-12 "$TMP/bo/gold.jsonl" | tr -d '\n')" '{"item":"a",{"item":"b",' "--reviewer keeps the items bo voted on"
"$GAVEL" export --db "$f" -q --since 2024-01-03 "$TMP/since"
expect_eq "$(cut -c1-12 "$TMP/since/gold.jsonl" | tr -d '\n')" '{"item":"b",{"item":"c",' "--since: the last decision's date (b's adjudication, c's votes)"
"$GAVEL" export --db "$f" -q --until 2024-01-01 "$TMP/until"
expect_eq "$(wc -l <"$TMP/until/gold.jsonl")" 1 "--until"
"$GAVEL" export --db "$f" -q --rule dawid-skene --min-posterior 0 "$TMP/ds"
expect_eq "$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(all(0 < x["ds_posterior"] <= 1 for x in r), r[1]["settle_reason"])' "$TMP/ds/gold.jsonl")" \
	"True adjudicated" "dawid-skene rows carry the posterior; the adjudication still decides b"

# ---- refusals, --force, nothing outside the target ----
run "$GAVEL" export --db "$f" "$TMP/x/out"
expect_rc 1 "an existing folder without --force"
expect_match "$err" "exists: give --force" "the refusal says what to do"
# every file outside the target, with its size and time, before and after
outside() { find "$TMP" -path "$TMP/x/out" -prune -o -newer "$TMP/mark" -print | grep -v '/\.\(out\|err\)$' | sort; }
sleep 1.1
touch "$TMP/mark"
run "$GAVEL" export --db "$f" --force "$TMP/x/out"
expect_rc 0 "--force replaces an earlier export"
expect_eq "$(outside | grep -v "^$TMP/x/out$" | grep -v "^$TMP$\|^$TMP/x$\|$TMP/f.db")" "" \
	"nothing written outside the target (the database's WAL files aside)"
echo precious >"$TMP/x/out/notes.txt"
run "$GAVEL" export --db "$f" --force "$TMP/x/out"
expect_rc 1 "--force refuses a folder holding files an export does not write"
expect_match "$err" "holds notes.txt" "the file is named"
expect_eq "$(cat "$TMP/x/out/notes.txt")" precious "and it is left alone"
for bad in "--format xml" "--split 80/30" "--since 2024-13-01" "--link" "--run 1 --prompt x" ""; do
	# shellcheck disable=SC2086
	run "$GAVEL" export --db "$f" $bad
	expect_rc 2 "export $bad is a usage error"
done

# ---- splits: targets, proportions, stratification, stability ----
s=$TMP/s.db
"$GAVEL" init --db "$s" >/dev/null 2>&1
python3 - "$TMP/s.csv" "$TMP/s2.csv" <<'EOF'
import random, sys
rng = random.Random(5)
def write(path, first, n):
    with open(path, "w") as f:
        f.write("item,rater,label\n")
        for i in range(first, first + n):
            label = rng.choices([1, 2, 3, 4, 5], [5, 20, 40, 30, 5])[0]
            f.write("s%05d,r1,%d\n" % (i, label))
write(sys.argv[1], 0, 3000)
write(sys.argv[2], 3000, 600)
EOF
"$GAVEL" import-ratings --db "$s" -q "$TMP/s.csv"
"$GAVEL" export --db "$s" -q --split 80/10/10 --seed 7 "$TMP/s1"
pycheck "split rows" rows "$s" "$TMP/s1" --split 80/10/10 --seed 7
pycheck "split manifest" manifest "$s" "$TMP/s1"
python3 - "$TMP/s1/manifest.json" >"$TMP/prop" <<'EOF'
import json, math, sys
m = json.load(open(sys.argv[1]))
bad = []
for l in m["split"]["labels"]:
    n = l["items"]
    # Hamilton's targets: floors of n p / 100, remainders to the largest
    exact = [n * p / 100 for p in (80, 10, 10)]
    if sum(l["target"]) != n or any(abs(t - e) >= 1 for t, e in zip(l["target"], exact)):
        bad.append("label %d targets %s" % (l["label"], l["target"]))
    # stratified in expectation: within Hoeffding's bound at d = 1e-6
    for c, e in zip(l["count"], exact):
        if abs(c - e) > 2.69 * math.sqrt(n) + 1:
            bad.append("label %d counts %s vs %s" % (l["label"], l["count"], exact))
print("; ".join(bad) or "fine")
EOF
expect_eq "$(cat "$TMP/prop")" fine "every label's split near its largest-remainder targets"
"$GAVEL" import-ratings --db "$s" -q "$TMP/s2.csv"
"$GAVEL" export --db "$s" -q --split 80/10/10 --seed 7 "$TMP/s2"
pycheck "split stability" stable "$TMP/s1" "$TMP/s2"
"$GAVEL" export --db "$s" -q --split 80/10/10 --seed 8 "$TMP/s3"
expect_eq "$(python3 -c 'import json,sys; a=[json.loads(l)["split"] for l in open(sys.argv[1])]; b=[json.loads(l)["split"] for l in open(sys.argv[2])]; print(a != b[:len(a)])' "$TMP/s1/gold.jsonl" "$TMP/s3/gold.jsonl")" \
	True "another seed, another split"
printf 'item,rater,label\nlone,r1,1\n' >"$TMP/lone.csv"
"$GAVEL" init --db "$TMP/lone.db" >/dev/null 2>&1
"$GAVEL" import-ratings --db "$TMP/lone.db" -q "$TMP/lone.csv"
run "$GAVEL" export --db "$TMP/lone.db" --split 80/10/10 "$TMP/lone"
expect_rc 0 "a label too small for the split is not an error"
expect_match "$err" "label 1 has 1 item: too few for the split" "... but it is reported"

# ---- the demo database as an imagefolder ----
d=$TMP/demo.db
"$GAVEL" init --db "$d" >/dev/null 2>&1
"$GAVEL" import --db "$d" -q "$here/../../samples/manifest.jsonl" >/dev/null 2>&1
"$GAVEL" label --db "$d" --provider heuristic -q >/dev/null 2>&1
printf 'key r a a 2 r r a 3 a u a a 4 a a a 5 a\n' >"$TMP/ann.keys"
"$GAVEL" review --db "$d" --reviewer ann --script "$TMP/ann.keys" --dump-dir "$TMP" >/dev/null 2>&1
python3 - "$d" <<'EOF'
import random, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rng = random.Random(3)
for (i,) in con.execute("SELECT id FROM items WHERE has_image ORDER BY id").fetchall():
    for who in ("bo", "cy"):
        if rng.random() < 0.85:
            con.execute("INSERT INTO reviews (item_id, reviewer, decision, label, blind, note)"
                        " VALUES (?, ?, 'override', ?, 1, ?)",
                        (i, who, rng.choice([2, 3, 3, 3, 4]), "n\u00e9\"\n" if rng.random() < .1 else None))
con.commit()
EOF
"$GAVEL" export --db "$d" -q --format imagefolder --split 80/10/10 --seed 1 "$TMP/hf"
pycheck "demo imagefolder" imagefolder "$TMP/hf" unusable poor acceptable good excellent
"$GAVEL" export --db "$d" -q --format imagefolder --all "$TMP/hf-all"
pycheck "demo imagefolder, unsettled too" imagefolder "$TMP/hf-all" unusable poor acceptable good excellent
"$GAVEL" export --db "$d" -q --split 80/10/10 --seed 1 "$TMP/dj"
pycheck "demo rows" rows "$d" "$TMP/dj" --split 80/10/10 --seed 1
pycheck "demo manifest" manifest "$d" "$TMP/dj"
"$GAVEL" export --db "$d" -q --format csv "$TMP/dc"
"$GAVEL" export --db "$d" -q "$TMP/dj2"
pycheck "demo csv" csv "$TMP/dc" "$TMP/dj2"
# the split folders agree with the JSONL's split column, image by image
expect_eq "$(python3 - "$TMP/hf" "$TMP/dj/gold.jsonl" <<'EOF'
import json, os, sys
rows = {json.loads(l)["image_sha256"]: json.loads(l)["split"] for l in open(sys.argv[2])}
where = {f.split(".")[0]: s for s in os.listdir(sys.argv[1]) if os.path.isdir(os.path.join(sys.argv[1], s))
         for f in os.listdir(os.path.join(sys.argv[1], s)) if f != "metadata.jsonl"}
print(where == rows)
EOF
)" True "each image sits in the folder of its split"
cmp -s "$TMP/hf/train/$(ls "$TMP/hf/train" | grep -v metadata | head -1)" \
	"$(sqlite3 "$d" "SELECT path FROM items WHERE sha256 = '$(ls "$TMP/hf/train" | grep -v metadata | head -1 | cut -d. -f1)'")" &&
	ok || not_ok "an exported image is a copy of its file"

# --link: hard links, on the same file system
mkdir -p "$TMP/imgs"
cp "$here/../../samples/images/skimage-coffee.png" "$here/../../samples/images/skimage-astronaut.jpg" "$TMP/imgs/"
printf '{"id": "coffee", "path": "skimage-coffee.png"}\n{"id": "astro", "path": "skimage-astronaut.jpg"}\n' >"$TMP/imgs/m.jsonl"
l=$TMP/l.db
"$GAVEL" init --db "$l" >/dev/null 2>&1
"$GAVEL" import --db "$l" -q "$TMP/imgs/m.jsonl" >/dev/null 2>&1
printf 'item,rater,label\ncoffee,ann,4\nastro,ann,2\n' >"$TMP/l.csv"
"$GAVEL" import-ratings --db "$l" -q "$TMP/l.csv"
run "$GAVEL" export --db "$l" --format imagefolder --link "$TMP/linked"
expect_rc 0 "--link"
expect_eq "$(stat -c %h "$TMP/imgs/skimage-coffee.png")" 2 "the image is hard-linked, not copied"
pycheck "linked imagefolder" imagefolder "$TMP/linked" unusable poor acceptable good excellent

# ---- a round trip: export, import into a fresh database, same agreement ----
"$GAVEL" export --db "$d" -q --all "$TMP/rt"
r=$TMP/rt.db
"$GAVEL" init --db "$r" >/dev/null 2>&1
run "$GAVEL" import-ratings --db "$r" "$TMP/rt/gold.jsonl"
expect_rc 0 "import-ratings reads gavel's own export"
agree_figures() {
	"$GAVEL" agree --db "$1" --json --no-ci | python3 -c '
import json, sys
d = json.load(sys.stdin)
def values(x):
    if isinstance(x, dict):
        # the labeller of an imported run is "import": a source, not a figure
        return {k: values(v) for k, v in x.items()
                if k not in ("a", "b", "ci_low", "ci_high", "ci_reason", "provider")}
    if isinstance(x, list):
        return [values(v) for v in x]
    return x
print(json.dumps({k: values(d[k]) for k in ("summary", "llm_vs_settled", "llm_vs_reviewers",
                  "reviewer_pairs", "reviewer_group")}, sort_keys=True))'
}
if [ "$(agree_figures "$d")" = "$(agree_figures "$r")" ]; then ok; else
	not_ok "the round trip changes the agreement figures"; fi
finish
