#!/usr/bin/env bash
# gavel import-ratings and gavel agree: databases built through gavel's own
# paths, every figure of agree --json recomputed from the raw tables by an
# independent python implementation (agree_check.py), the published values of
# tests/data/agreement.json, a golden text report, undefined cases, 80 columns.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data/agree
db=$TMP/g.db

# check_json DB [ARGS...]: agree --json with ARGS, recomputed by agree_check.py
check_json() {
	local d=$1; shift
	"$GAVEL" agree --db "$d" --json "$@" >"$TMP/report.json" 2>"$TMP/report.err"
	local rc=$? extra=()
	[ "$rc" -eq 0 ] || { not_ok "agree --json $*: exit $rc: $(cat "$TMP/report.err")"; return; }
	for a in "$@"; do
		case $a in --run | --reviewer) extra+=("$a") ;; esac
	done
	local out
	out=$(python3 "$here/agree_check.py" "$d" "$TMP/report.json" "${checker_args[@]}" 2>&1)
	if [ $? -eq 0 ]; then ok; else not_ok "agree --json $* recomputed: $out"; fi
}

# width_ok TEXT NAME: no line wider than 80 display columns
width_ok() {
	local widest
	widest=$(printf '%s\n' "$1" | python3 -c '
import sys, unicodedata
w = 0
for line in sys.stdin.read().split("\n"):
    w = max(w, sum(2 if unicodedata.east_asian_width(c) in "WF" else
                   0 if unicodedata.combining(c) else 1 for c in line))
print(w)')
	if [ "$widest" -le 80 ]; then ok; else not_ok "$2: a line is $widest columns wide"; fi
}

# ---- help and usage ----
for cmd in agree import-ratings; do
	run "$GAVEL" "$cmd" --help
	expect_rc 0 "$cmd --help"
	expect_match "$out" "^usage: gavel $cmd" "$cmd --help text"
	width_ok "$out" "$cmd --help"
	run "$GAVEL" "$cmd" --no-such-option
	expect_rc 2 "$cmd rejects an unknown option"
done
run "$GAVEL" --help
expect_match "$out" "import-ratings" "gavel --help lists import-ratings"
expect_match "$out" "agree" "gavel --help lists agree"
run "$GAVEL" import_ratings --help
expect_rc 2 "the command is spelled with a hyphen"
run "$GAVEL" init --db "$db" --scale bad,ok,good
for bad in "--by colour" "--since 2026-13-01" "--until yesterday" "--run x" "--resamples 0" \
	"--seed -1" "--price-in cheap" "--run 1 --prompt x" "--since 2026-02-01 --until 2026-01-01"; do
	# shellcheck disable=SC2086
	run "$GAVEL" agree --db "$db" $bad
	expect_rc 2 "agree $bad is a usage error"
done
run "$GAVEL" import-ratings --db "$db"
expect_rc 2 "import-ratings without a file"

# ---- import-ratings ----
run "$GAVEL" import-ratings --db "$db" --llm model "$data/ratings.csv"
expect_rc 0 "import-ratings"
expect_match "$err" "15 ratings added, 0 already present, 11 items created without an image, 11 LLM ratings as run 1" "import-ratings summary"
expect_eq "$(sql "$db" "SELECT count(*), sum(has_image), count(path) FROM items")" "11|0|0" "items made without an image"
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews WHERE decision = 'override' AND blind = 1 AND prediction_id IS NULL")" 15 "ratings are blind overrides"
expect_eq "$(sql "$db" "SELECT provider, model, status FROM runs")" "import|model|done" "the LLM rater is an import run"
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE status = 'ok' AND label = score")" 11 "LLM ratings are ok predictions"
run "$GAVEL" import-ratings --db "$db" --llm model "$data/ratings.csv"
expect_match "$err" "0 ratings added, 15 already present, 0 items created without an image, 11 LLM ratings already present" "re-import adds nothing"
expect_eq "$(sql "$db" "SELECT (SELECT count(*) FROM reviews) || ',' || (SELECT count(*) FROM runs)")" "15,1" "re-import doubles nothing"

# the golden report: values computed by hand (docs/metrics.md's worked example
# for the settled table) and by agree_check.py's formulas
(cd "$TMP" && "$GAVEL" agree --db g.db --no-ci >"$TMP/report.txt" 2>&1)
# the raters' Dawid-Skene accuracies at the end are test_settle.sh's to check
sed -n '/^Estimated accuracy per label/q;p' "$TMP/report.txt" | sed '$d' >"$TMP/report.cut"
mv "$TMP/report.cut" "$TMP/report.txt"
if diff -u "$data/report.txt" "$TMP/report.txt" >"$TMP/diff"; then ok; else not_ok "golden report: $(cat "$TMP/diff")"; fi
checker_args=()
check_json "$db" --no-ci
check_json "$db" --resamples 50

# a changed rating supersedes; a changed LLM rating makes a new run
printf 'item,rater,label\nk,ben,1\nk,model,3\n' >"$TMP/change.csv"
run "$GAVEL" import-ratings --db "$db" --llm model "$TMP/change.csv"
expect_match "$err" "1 rating added, 0 already present, 0 items created without an image, 1 LLM rating as run 2" "changed ratings"
run "$GAVEL" agree --db "$db" --json --no-ci
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["summary"]["settled"], d["llm_vs_settled"]["n"])')" "11 11" "k is settled now"
check_json "$db" --no-ci

# bad rows: FILE:LINE, nothing imported; --skip-bad imports the good ones
printf 'item,rater,label\nx1,cy,2\nx2,cy,7\nx3,,1\nx4,cy,ok\n' >"$TMP/bad.csv"
before=$(sql "$db" "SELECT count(*) FROM reviews")
run "$GAVEL" import-ratings --db "$db" "$TMP/bad.csv"
expect_rc 1 "bad rows fail the file"
expect_match "$err" "bad.csv:3: label \"7\" is not on the scale" "bad label named with FILE:LINE"
expect_match "$err" "bad.csv:4: \"rater\" is missing" "missing rater named"
expect_eq "$(sql "$db" "SELECT count(*) FROM reviews")" "$before" "nothing imported from a bad file"
expect_eq "$(sql "$db" "SELECT count(*) FROM items WHERE external_id = 'x1'")" 0 "no item from a bad file"
run "$GAVEL" import-ratings --db "$db" --skip-bad "$TMP/bad.csv"
expect_rc 0 "--skip-bad"
expect_match "$err" "2 ratings added.*2 items created.*2 bad rows skipped" "--skip-bad summary (x4's label is the level named ok)"
printf 'id,who,value\n1,a,2\n' >"$TMP/cols.csv"
run "$GAVEL" import-ratings --db "$db" "$TMP/cols.csv"
expect_rc 1 "a file without the columns"
expect_match "$err" "\"item\" is missing \(the columns are item, rater, label\)" "missing column message"

# ---- the full log: retractions, skips, accepts, failed predictions, dates ----
f=$TMP/f.db
"$GAVEL" init --db "$f" 2>/dev/null
cat >"$TMP/f.csv" <<'EOF'
item,rater,label
a,ana,1
b,ana,2
c,ana,3
d,ana,4
e,ana,5
f,ana,3
g,ana,2
a,ben,1
b,ben,3
c,ben,3
d,ben,4
g,ben,2
h,ben,5
a,cy,2
b,cy,2
c,cy,3
h,cy,4
EOF
"$GAVEL" import-ratings --db "$f" "$TMP/f.csv" 2>/dev/null
# The review UI writes accepts, skips and undos; the labelling runs write
# predictions with prompt versions, tokens and failures. Here they are
# written directly, as those paths would.
sql "$f" "
INSERT INTO prompt_versions (id, hash, name, text) VALUES
  (1, 'aaaa1111aaaa1111', 'v1.md', 'one'), (2, 'bbbb2222bbbb2222', 'v2.md', 'two');
INSERT INTO runs (id, provider, model, prompt_version_id, status) VALUES
  (1, 'openai', 'gpt-a', 1, 'done'), (2, 'openai', 'gpt-b', 2, 'done'),
  (3, 'anthropic', 'claude-c', 2, 'done');
INSERT INTO predictions (run_id, item_id, status, label, score, prompt_tokens, completion_tokens)
  SELECT 1, id, 'ok', 1 + (id * 3) % 5, 1 + (id * 3) % 5, 1000, 200 FROM items;
INSERT INTO predictions (run_id, item_id, status, label, score, prompt_tokens, completion_tokens)
  SELECT 2, id, CASE WHEN id = 2 THEN 'parse_failed' WHEN id = 3 THEN 'failed' ELSE 'ok' END,
  CASE WHEN id IN (2, 3) THEN NULL ELSE 1 + (id * 2) % 5 END, NULL, 1500, 300 FROM items;
INSERT INTO predictions (run_id, item_id, status, label, prompt_tokens, completion_tokens)
  VALUES (3, 3, 'failed', NULL, 10, 0), (3, 4, 'ok', 4, 2000, 100);
-- ana undoes her label on e; ben skips a after labelling it; cy accepts on h
INSERT INTO reviews (item_id, reviewer, decision, retracts)
  SELECT item_id, reviewer, 'retract', id FROM reviews WHERE reviewer = 'ana' AND item_id = 5;
INSERT INTO reviews (item_id, reviewer, decision) VALUES (1, 'ben', 'skip');
INSERT INTO reviews (item_id, reviewer, decision, label, blind, created_at)
  VALUES (8, 'cy', 'accept', 5, 0, '2026-03-02T10:00:00.000Z');
INSERT INTO reviews (item_id, reviewer, decision, note) VALUES (8, 'cy', 'note', 'hm');
UPDATE items SET category = CASE WHEN id % 2 THEN 'shoes' ELSE 'bags' END WHERE id < 7;
INSERT INTO scorer_models (id, kind, target, features, params) VALUES (1, 'ridge', 'human', '[]', '{}');
INSERT INTO scores (model_id, item_id, score) SELECT 1, id, 0.6 + id * 0.55 FROM items;
"
checker_args=()
check_json "$f" --no-ci
check_json "$f"
checker_args=(--run 1)
check_json "$f" --no-ci --run 1
checker_args=(--prompt-version 2)
check_json "$f" --no-ci --prompt bbbb2222
checker_args=(--reviewer ana --reviewer cy)
check_json "$f" --no-ci --reviewer ana --reviewer cy
checker_args=()
for by in prompt model reviewer category blind; do
	check_json "$f" --no-ci --by "$by"
	run "$GAVEL" agree --db "$f" --by "$by"
	expect_rc 0 "agree --by $by"
	width_ok "$out" "agree --by $by"
done
run "$GAVEL" agree --db "$f" --json --no-ci
summary=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); l=d["llm_vs_settled"]["left_out"]; print(d["summary"]["human_labels"], l["unsettled"], l["parse_failed"], l["failed"])')
expect_eq "$summary" "15 2 0 0" "standing labels: a retraction and a skip remove one each, an accept replaces one"
run "$GAVEL" agree --db "$f" --json --no-ci --prompt v2.md
summary=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); l=d["llm_vs_settled"]["left_out"]; print(l["parse_failed"], l["failed"], d["llm_vs_settled"]["n"])')
expect_eq "$summary" "0 1 4" "version 2: item b's parse failure is unsettled anyway, item c failed twice"
run "$GAVEL" agree --db "$f" --by prompt --price-in 2 --price-out 10
expect_match "$out" "aaaa1111 .*\\\$0\.03" "cost of version 1: 8 items x (1000 x 2 + 200 x 10) / 1e6"
expect_match "$out" "bbbb2222: version 2 v2.md, runs 2, 3" "the prompt table's legend"
run "$GAVEL" agree --db "$f" --by prompt
expect_match "$out" "aaaa1111 .*19.20k tok|aaaa1111 .*9600 tok" "tokens without prices"
run "$GAVEL" agree --db "$f" --json --no-ci --since 2026-03-01 --until 2026-03-02
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["human_labels"])')" 1 "the date window keeps the one dated review"
run "$GAVEL" agree --db "$f" --run 9
expect_rc 1 "an unknown run"
expect_match "$err" "no run 9" "unknown run message"
run "$GAVEL" agree --db "$f" --prompt zzzz
expect_rc 1 "an unknown prompt version"

# text: 80 columns, no NaN, every section
run "$GAVEL" agree --db "$f"
expect_rc 0 "agree text"
width_ok "$out" "agree text report"
expect_no_match "$out" "nan|NaN|inf" "no NaN in the text"
for section in "Summary" "LLM vs the settled human label" "LLM vs each reviewer" \
	"Reviewer vs reviewer" "All reviewers as a group" "Scorer vs the settled human label"; do
	expect_match "$out" "$section" "section $section"
done
expect_match "$out" "kappa, quadratic +[0-9.-]+ \[[0-9.-]+, [0-9.-]+\] +[a-z ]+ +n=[0-9]+" "a figure with its interval, band and n"

# ---- undefined cases ----
u=$TMP/u.db
"$GAVEL" init --db "$u" 2>/dev/null
printf 'item,rater,label\na,ana,1\nb,ana,2\nc,ana,3\na,llm,2\nb,llm,2\nc,llm,2\n' >"$TMP/u.csv"
"$GAVEL" import-ratings --db "$u" --llm llm "$TMP/u.csv" 2>/dev/null
run "$GAVEL" agree --db "$u"
expect_match "$out" "Cohen's kappa +undefined \(the second rater \(LLM\) gave the same label to" "constant LLM: kappa undefined with the reason"
expect_match "$out" "percent agreement +33.3%" "percent agreement stays defined"
expect_match "$out" "Fleiss' kappa +undefined \(fewer than two reviewers\)" "one reviewer: no group figures"
expect_match "$out" "no two reviewers labelled the same item" "no reviewer pairs"
width_ok "$out" "undefined report"
run "$GAVEL" agree --db "$u" --json
v=$(printf '%s' "$out" | python3 -c 'import json,sys; m=json.load(sys.stdin)["llm_vs_settled"]["metrics"]["cohen_kappa"]; print(m["value"], m["defined"], m["ci_low"], bool(m["reason"]))')
expect_eq "$v" "None False None True" "undefined in JSON: null value, a reason"
checker_args=()
check_json "$u" --no-ci
e=$TMP/e.db
"$GAVEL" init --db "$e" 2>/dev/null
run "$GAVEL" agree --db "$e"
expect_rc 0 "agree on an empty database"
expect_match "$out" "undefined \(no item was rated by both\)" "empty: undefined, never 0"
expect_no_match "$out" "nan|NaN" "empty: no NaN"
check_json "$e" --no-ci

# ---- which runs fed "the LLM label" (two runs, each the latest for some items) ----
src=$TMP/src.db
"$GAVEL" init --db "$src" 2>/dev/null
printf 'item,rater,label\n' >"$TMP/src-h.csv"; printf 'item,rater,label\n' >"$TMP/src-a.csv"; printf 'item,rater,label\n' >"$TMP/src-b.csv"
for i in $(seq 1 30); do
	printf 'i%02d,ana,%d\n' "$i" $((1 + i % 5)) >>"$TMP/src-h.csv"
	printf 'i%02d,m1,%d\n' "$i" $((1 + i % 4)) >>"$TMP/src-a.csv"
	[ "$i" -le 12 ] && printf 'i%02d,m2,%d\n' "$i" $((1 + i % 3)) >>"$TMP/src-b.csv"
done
"$GAVEL" import-ratings --db "$src" -q "$TMP/src-h.csv"
"$GAVEL" import-ratings --db "$src" -q --llm m1 "$TMP/src-a.csv"
"$GAVEL" import-ratings --db "$src" -q --llm m2 "$TMP/src-b.csv"
run "$GAVEL" agree --db "$src" --no-ci
expect_match "$out" "from run 2 \(import/m2\): 12 items" "agree names the latest run and its items"
expect_match "$out" "from run 1 \(import/m1\): 18 items" "and the earlier run for the rest"
run "$GAVEL" agree --db "$src" --no-ci --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys
d = json.load(sys.stdin)
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "llm_label_sources": return v
            r = find(v)
            if r is not None: return r
print(",".join("%d:%s:%d" % (s["run"], s["model"], s["items"]) for s in find(d)))')" \
	"$(sql "$src" "SELECT group_concat(run || ':' || model || ':' || n, ',') FROM (SELECT p.run_id AS run, r.model AS model, count(*) AS n FROM predictions p JOIN runs r ON r.id = p.run_id WHERE p.status = 'ok' AND p.run_id = (SELECT max(run_id) FROM predictions q WHERE q.item_id = p.item_id AND q.status = 'ok') GROUP BY p.run_id ORDER BY p.run_id DESC)")" \
	"--json lists the sources as SQLite counts them"

# ---- published values through import-ratings ----
python3 "$here/agree_published.py" "$GAVEL" "$TMP" >"$TMP/published" 2>&1
while IFS= read -r line; do
	case $line in
	ok\ *) ok ;;
	*) not_ok "published: $line" ;;
	esac
done <"$TMP/published"
[ "$(grep -c '^ok ' "$TMP/published")" -ge 27 ] && ok || not_ok "published cases ran: $(cat "$TMP/published")"

finish
