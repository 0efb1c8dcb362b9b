#!/usr/bin/env bash
# The prompt lab's loop against the local test server (tests/llmserver):
# a version rerun on the settled items, the call cache counted at the
# server (a second run makes no call; --fresh makes them again), a second
# version the server answers differently on chosen items, the comparison's
# classes checked item by item against a Python reckoning of the chosen
# answers, the broken items sent to the re-review queue, and --repeat with
# split and unanimous items.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
db=$TMP/lab.db
calls() { grep -c '"path": "/v1/chat/completions"' "$LLM_LOG"; }
label() { # PROMPT ARGS...
	run "$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" \
		--api-key k --prompt "$here/../data/prompts/$1" --backoff 0.05 -q "${@:2}"
}

# 40 items: the human label h, version A's answer (expect) and version B's
# (expect_b) chosen per item; items 37-40 have two people who disagree.
python3 - "$here/../tools" "$TMP" <<'PY'
import csv, json, os, sys
sys.path.insert(0, sys.argv[1])
from mkpng import write_png
out = sys.argv[2]
# (h, a, b): fixed, broken, closer, farther, moved, unchanged right/wrong
kinds = [(3, 2, 3), (4, 4, 2), (5, 2, 4), (2, 3, 5), (3, 2, 4), (1, 1, 1), (2, 4, 4)]
rows = []
with open(os.path.join(out, "m.jsonl"), "w") as m:
    for i in range(1, 41):
        h, a, b = kinds[i % len(kinds)]
        name = f"p{i:02d}"
        write_png(os.path.join(out, name + ".png"), 8, 8, (i, 3 * i % 256, 77))
        m.write(json.dumps({"id": name, "path": name + ".png", "expect": a, "expect_b": b}) + "\n")
        rows.append((name, h, a, b))
with open(os.path.join(out, "h.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["item", "rater", "label"])
    for name, h, a, b in rows:
        w.writerow([name, "ann", h])
        if int(name[1:]) > 36:
            w.writerow([name, "bob", h % 5 + 1])
with open(os.path.join(out, "want.json"), "w") as f:
    json.dump([r for r in rows if int(r[0][1:]) <= 36], f)
PY
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" import-ratings --db "$db" -q "$TMP/h.csv"
python3 - "$here/../data/prompts" "$TMP/proposer.txt" <<'PY'
import json, sys
d = sys.argv[1]
b = open(d + "/fake-b.md").read()
a = open(d + "/fake.md").read().replace("Rate this photo", "Mind the edges. Rate this photo")
print(json.dumps({"candidates": [{"template": b, "hypothesis": "look at the light"},
                                 {"template": a, "hypothesis": "mind the edges"}]}),
      file=open(sys.argv[2], "w"))
PY
start_llm_server --proposer-reply "$TMP/proposer.txt" --proposer-log "$TMP/proposer.log"

# version A on the settled items: 36 calls
label fake.md --settled --json
expect_rc 0 "version A on the settled items"
expect_eq "$(calls)" 36 "36 settled items, 36 calls"
expect_eq "$(sql "$db" "SELECT count(*), sum(cached) FROM predictions WHERE run_id = 1")" "36|0" "A's answers, none cached"
# the same again: every answer from the cache, no call made
label fake.md --settled --json
expect_rc 0 "A again"
expect_eq "$(calls)" 36 "the second run makes no call"
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["cache_hits"], d["cache_misses"])')" "36 0" "the summary counts 36 hits, 0 misses"
expect_eq "$(sql "$db" "SELECT count(*), sum(cached) FROM predictions WHERE run_id = 2")" "36|36" "the rerun's answers are marked cached"
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions p JOIN predictions q ON q.item_id = p.item_id AND q.run_id = 2 WHERE p.run_id = 1 AND (p.label IS NOT q.label OR p.rationale IS NOT q.rationale)")" 0 "a cached answer is recorded like the live one"
expect_eq "$(sql "$db" "SELECT count(*) FROM call_cache WHERE body LIKE '%k%' AND body LIKE '%api%key%'")" 0 "no API key in the cache"
# --fresh asks again
label fake.md --settled --fresh --limit 5 --json
expect_eq "$(calls)" 41 "--fresh makes the calls again"

# version B, which the server answers differently on chosen items
label fake-b.md --settled --json
expect_rc 0 "version B on the settled items"
expect_eq "$(calls)" 77 "B's 36 calls (a changed template is another call)"
run "$GAVEL" prompts --db "$db" compare run:1 run:4 --json --resamples 50
expect_rc 0 "compare run:1 run:4"
printf '%s' "$out" >"$TMP/cmp.json"
check=$(python3 - "$TMP/want.json" "$TMP/cmp.json" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
def cls(h, a, b):  # against the human label, from the issue's definitions
    if a == b: return "unchanged"
    if a != h and b == h: return "fixed"
    if a == h: return "broken"
    da, db = abs(a - h), abs(b - h)
    return "closer" if db < da else "farther" if db > da else "moved"
exp = sorted((n, h, a, b, cls(h, a, b)) for n, h, a, b in want)
have = sorted((i["item"], i["human"], i["a"], i["b"], i["class"]) for i in got["items"])
print("ok" if exp == have else f"items differ: {set(exp) ^ set(have)}")
counts = {}
for e in exp: counts[e[4]] = counts.get(e[4], 0) + 1
print("ok" if all(got["classes"][k] == counts.get(k, 0) for k in got["classes"]) else f"classes {got['classes']} vs {counts}")
print("ok" if set(counts) == {"fixed", "broken", "closer", "farther", "moved", "unchanged"} else f"not every class made: {counts}")
print("ok" if (got["mcnemar"]["b"], got["mcnemar"]["c"]) == (counts["broken"], counts["fixed"]) else "mcnemar counts")
PY
)
expect_eq "$(printf '%s\n' "$check" | sort -u)" ok "item classes of the comparison: $check"

# prompts list: each version's quadratic kappa and exact agreement over the
# settled items it covers, against compare_check.py's exact fractions
run "$GAVEL" prompts --db "$db" list --json --resamples 50
expect_rc 0 "prompts list --json"
printf '%s' "$out" >"$TMP/list.json"
check=$(python3 - "$here" "$TMP/want.json" "$TMP/list.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from compare_check import figures
want = json.load(open(sys.argv[2]))
got = {v["name"]: v for v in json.load(open(sys.argv[3]))}
figs = figures([(h, a, b) for _, h, a, b in want], 5, exact=True)
for name, s in (("fake.md", 0), ("fake-b.md", 1)):
    v = got[name]
    for key, f in (("kappa_quadratic", "kappa, quadratic weights"), ("agreement", "exact agreement")):
        if abs(v[key] - float(figs[f][s])) > 1e-12:
            print(f"{name} {key}: {v[key]} vs {float(figs[f][s])}")
    if v["covered"] != len(want) or v["parse_failure_rate"] != 0:
        print(f"{name}: covered {v['covered']}, parse failures {v['parse_failure_rate']}")
    lo, hi = v["kappa_quadratic_ci"]
    if not lo <= v["kappa_quadratic"] <= hi:
        print(f"{name}: interval {lo}..{hi} misses {v['kappa_quadratic']}")
best = max(("fake.md", "fake-b.md"), key=lambda n: float(figs["kappa, quadratic weights"][n != "fake.md"]))
if got[best]["rank"] != 1 or not got[best]["best"]:
    print(f"{best} should rank first: {got[best]['rank']}")
print("ok")
PY
)
expect_eq "$check" ok "the list's figures"

# the broken items go to the re-review queue
run "$GAVEL" prompts --db "$db" compare run:1 run:4 --send broken --resamples 20
expect_rc 0 "compare --send broken"
broken=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["classes"]["broken"])' "$TMP/cmp.json")
expect_eq "$(sql "$db" "SELECT count(*) FROM recheck WHERE reason = 'broken'")" "$broken" "every broken item sent back"
expect_eq "$(sql "$db" "SELECT count(*) FROM item_queue WHERE recheck_key IS NOT NULL")" "$broken" "the re-review queue holds them"
# a person corrects one of them (a new decision in the log): it leaves the
# queue, and the comparison, recomputed, counts one settled label changed
# (on a copy: the checks below keep the labels want.json gives)
sqlite3 "$db" ".backup '$TMP/fix.db'"
first=$(sql "$TMP/fix.db" "SELECT i.external_id FROM recheck r JOIN items i ON i.id = r.item_id ORDER BY r.id LIMIT 1")
old=$(sql "$TMP/fix.db" "SELECT settled_label FROM recheck r JOIN items i ON i.id = r.item_id WHERE i.external_id = '$first'")
printf 'item,rater,label\n%s,ann,%s\n' "$first" $((old % 5 + 1)) >"$TMP/fix.csv"
"$GAVEL" import-ratings --db "$TMP/fix.db" -q "$TMP/fix.csv"
expect_eq "$(sql "$TMP/fix.db" "SELECT count(*) FROM item_queue WHERE recheck_key IS NOT NULL")" $((broken - 1)) "the corrected item left the queue"
run "$GAVEL" prompts --db "$TMP/fix.db" compare run:1 run:4 --json --resamples 20
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; r = json.load(sys.stdin)["recheck"]; print(r["sent"], r["waiting"], r["reviewed"], r["settled_changed"])')" "$broken $((broken - 1)) 1 1" "recheck: sent, waiting, reviewed, settled labels changed"

# prompts suggest with a deterministic proposer: two candidates (fake-b's
# text, and fake.md with a line added); the split is stored, stratified by
# the human label, and reused; candidates become versions with their parent
# and hypothesis; the proposer is shown the template and disagreements.
run "$GAVEL" prompts --db "$db" suggest fake.md --yes --json --candidates 2 --api-key k
expect_rc 0 "prompts suggest"
printf '%s' "$out" >"$TMP/suggest.json"
expect_eq "$(sql "$db" "SELECT count(*) FROM lab_splits")" 36 "every settled item split once"
split=$(sql "$db" "SELECT group_concat(label || ':' || part || ':' || n, ' ') FROM (SELECT label, part, count(*) n FROM lab_splits GROUP BY label, part)")
check=$(python3 - "$TMP/want.json" "$split" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
per = {}
for _, h, _, _ in want:
    per[h] = per.get(h, 0) + 1
got = {}
for cell in sys.argv[2].split():
    h, part, n = map(int, cell.split(":"))
    got[(h, part)] = n
bad = [(h, part, got.get((h, part), 0), m * share) for h, m in per.items()
       for part, share in ((0, 0.5), (1, 0.25), (2, 0.25)) if abs(got.get((h, part), 0) - m * share) > 1]
print("ok" if not bad and sum(got.values()) == len(want) else f"label, part, got, want: {bad}")
PY
)
expect_eq "$check" ok "the split is stratified 50/25/25"
expect_match "$(cat "$TMP/proposer.log" 2>/dev/null)" "EXPECT_SCORE" "the proposer is shown the template"
expect_eq "$(sql "$db" "SELECT count(*) FROM prompt_versions WHERE parent_id = (SELECT id FROM prompt_versions WHERE name = 'fake.md' ORDER BY id LIMIT 1) AND note IN ('look at the light', 'mind the edges')")" 2 "the candidates are versions with parent and hypothesis"
before=$(sql "$db" "SELECT group_concat(item_id || ':' || part) FROM lab_splits")
run "$GAVEL" prompts --db "$db" suggest fake.md --yes --json --candidates 2 --api-key k
expect_eq "$(sql "$db" "SELECT group_concat(item_id || ':' || part) FROM lab_splits")" "$before" "the split is reused"

# --repeat 3 on a server whose votes split p01 (2/2/3) and not p02 (4/4/4):
# with --fresh every sample is asked; then again from the cache alone, each
# sample its own answer (the sample index is part of the key)
stop_llm_server
start_llm_server --votes p01=2/2/3,p02=4/4/4,p04=3/3/2
label fake.md --items all --limit 3 --repeat 3 --fresh --json
expect_rc 0 "--repeat 3"
r1=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"])')
expect_eq "$(calls)" 9 "three calls per item"
answers() { # RUN ITEM
	sql "$db" "SELECT group_concat(label, '/') FROM (SELECT p.label FROM predictions p JOIN items i ON i.id = p.item_id WHERE p.run_id = $1 AND i.external_id = '$2' ORDER BY ${3:-sample})"
}
expect_eq "$(answers $r1 p01 label)" "2/2/3" "p01's three answers, split (requests may arrive in any order)"
expect_eq "$(answers $r1 p02)" "4/4/4" "p02's, unanimous"
expect_eq "$(sql "$db" "SELECT count(*), count(DISTINCT item_id || '-' || sample), sum(cached) FROM predictions WHERE run_id = $r1")" "9|9|0" "9 answers, one per sample"
label fake.md --items all --limit 3 --repeat 3 --json
r2=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"])')
expect_eq "$(calls)" 9 "the repeated run again: no call"
expect_eq "$(answers $r2 p01)" "$(answers $r1 p01)" "p01's answers from the cache, sample by sample"
expect_eq "$(sql "$db" "SELECT sum(cached) FROM predictions WHERE run_id = $r2")" 9 "all 9 marked cached"

# self-consistency in the lab: a third version asked 3 times per settled
# item; p01 (human 4) votes 2/2/3, p04 (human 3) 3/3/2, p02 4/4/4, the rest
# unanimously their first answer.
# The list's split share, agreement by consistency and AUC against Python.
sed 's/Rate this photo/Rate this photo, once more,/' "$here/../data/prompts/fake.md" >"$TMP/fake-c.md"
run "$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" \
	--api-key k --prompt "$TMP/fake-c.md" -q --settled --repeat 3 --json
expect_rc 0 "a repeated run of a third version on the settled items"
run "$GAVEL" prompts --db "$db" list --json --resamples 20
printf '%s' "$out" >"$TMP/list3.json"
check=$(python3 - "$here" "$TMP/want.json" "$TMP/list3.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from compare_check import auc_pairs
want = json.load(open(sys.argv[2]))
row = [v for v in json.load(open(sys.argv[3])) if v["name"] == "fake-c.md"][0]
c = row.get("consistency")
if not c:
    print(f"no consistency figures: {row}"); sys.exit()
votes = {"p01": [2, 2, 3], "p02": [4, 4, 4], "p04": [3, 3, 2]}
split, right, wrong = [], [], []
for name, h, a, _ in want:
    v = votes.get(name, [a, a, a])
    major = min(x for x in v if v.count(x) == max(v.count(y) for y in v))
    split.append(len(set(v)) > 1)
    wrong.append(major != h)
n = len(want)
def share(flags, sel):
    pick = [w for w, s in zip(wrong, split) if s == sel]
    return sum(not w for w in pick) / len(pick)
exp = {"answered": n, "split": sum(split), "split_share": sum(split) / n,
       "all_unanimous": False, "agreement_split": share(split, True),
       "agreement_unanimous": share(split, False),
       "auc_split": auc_pairs([float(s) for s in split], wrong)}
bad = [f"{k}: {c.get(k)} vs {w}" for k, w in exp.items()
       if (abs(c.get(k) - w) > 1e-12 if isinstance(w, float) else c.get(k) != w)]
print("ok" if not bad else "; ".join(bad))
PY
)
expect_eq "$check" ok "the lab's self-consistency figures"
finish
