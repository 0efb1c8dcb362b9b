#!/usr/bin/env bash
# Per-category figures of `gavel prompts compare --json` through the real
# command line: items imported from a CSV manifest with a category column,
# settled by one person (import-ratings), labelled twice against the test
# server with answers chosen per item (version A answers each item's
# expect, version B its expect_b). Each category's classes, McNemar,
# sign test, kappas and agreement with their differences, jackknife
# errors, bootstrap intervals (the resampling replayed) and the Holm-adjusted
# p-values across categories are recomputed by compare_check.py's
# independent code from the answers the test chose, not from the database.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
db=$TMP/holm.db
prompts=$here/../data/prompts

# Four categories of different sizes and accuracies (B better on shoes,
# worse on bags, the same on hats; on toys A and B never differ, so toys
# holds no McNemar test) and a few items without a category.
python3 - "$here/../tools" "$TMP" <<'PY'
import csv, json, os, random, sys
sys.path.insert(0, sys.argv[1])
from mkpng import write_png
out, rng = sys.argv[2], random.Random(20261206)
plan = [("shoes", 26, 0.45, 0.8), ("bags", 20, 0.75, 0.4), ("hats", 14, 0.6, 0.6),
        ("toys", 6, 0.5, None), ("", 4, 0.5, 0.5)]
def answer(h, acc):
    r = rng.random()
    if r < acc:
        return h
    return max(1, min(5, h + rng.choice((-2, -1, 1, 2))))
truth, n = [], 0
with open(os.path.join(out, "m.csv"), "w", newline="") as m, open(os.path.join(out, "h.csv"), "w") as hf:
    w = csv.writer(m)
    w.writerow(["id", "path", "title", "category", "expect", "expect_b"])
    hf.write("item,rater,label\n")
    for cat, count, acc_a, acc_b in plan:
        for _ in range(count):
            n += 1
            name, h = f"i{n:03d}", rng.randint(1, 5)
            a = answer(h, acc_a)
            b = a if acc_b is None else answer(h, acc_b)
            write_png(os.path.join(out, name + ".png"), 8, 8, (n, 7 * n % 256, 11))
            w.writerow([name, name + ".png", f"item {n}", cat, a, b])
            hf.write(f"{name},ann,{h}\n")
            truth.append([name, cat, h, a, b])
json.dump(truth, open(os.path.join(out, "truth.json"), "w"))
PY
"$GAVEL" init --db "$db" >/dev/null 2>&1
run "$GAVEL" import --db "$db" -q "$TMP/m.csv"
expect_rc 0 "import the CSV manifest"
expect_eq "$(sql "$db" "SELECT count(DISTINCT category) FROM items WHERE category <> ''")" 4 "four categories"
"$GAVEL" import-ratings --db "$db" -q "$TMP/h.csv"
start_llm_server
for p in fake.md fake-b.md; do
	run "$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" \
		--api-key k --prompt "$prompts/$p" -q --settled
	expect_rc 0 "label with $p"
done
run "$GAVEL" prompts --db "$db" compare fake.md fake-b.md --json --resamples 200 --seed 77 \
	--confidence 0.9
expect_rc 0 "prompts compare by template name"
printf '%s' "$out" >"$TMP/cmp.json"

python3 - "$here" "$TMP/truth.json" "$TMP/cmp.json" >"$TMP/check" 2>&1 <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from compare_check import FIGURES, bootstrap, expected_summary, holm
from statcheck import Group
truth = json.load(open(sys.argv[2]))
got = json.load(open(sys.argv[3]))
KEYS = {"kappa": "kappa", "kappa, linear weights": "kappa_linear",
        "kappa, quadratic weights": "kappa_quadratic", "exact agreement": "agreement"}
opts = {"resamples": 200, "seed": 77, "confidence": 0.9, "power": 0.8}
cats = sorted({c for _, c, *_ in truth if c})
items = {c: [(h, a, b) for _, cc, h, a, b in truth if cc == c] for c in cats}
exps = {c: expected_summary(items[c], 5, opts) for c in cats}
have = {c["category"]: c for c in got["categories"]}
ok = True
g = Group("the categories")
g.equal("category names", sorted(have), cats)
g.equal("resampled by items", got["bootstrap"]["resampled_by"], "items")
ok &= g.report()
for c in cats:
    g, e, h = Group(f"category {c}"), exps[c], have.get(c, {})
    g.equal("n", h.get("n"), e["n"])
    g.equal("classes", h.get("classes"), e["classes"])
    g.equal("sign test toward, away", (h["sign_test"]["toward"], h["sign_test"]["away"]),
            (e["toward"], e["away"]))
    g.near("sign test p", h["sign_test"]["p"], e["sign_p"], 1e-12, rel=True)
    for k in ("b", "c"):
        g.equal(f"McNemar {k}", h["mcnemar"][k], e["mcnemar"][k])
    g.near("McNemar exact p", h["mcnemar"]["p_exact"], e["mcnemar"]["p_exact"], 1e-12, rel=True)
    g.near("McNemar chi2", h["mcnemar"]["chi2"], e["mcnemar"]["chi2"], 1e-12)
    g.near("McNemar chi2 p", h["mcnemar"]["p_chi2"], e["mcnemar"]["p_chi2"], 1e-12)
    boot = bootstrap(items[c], 5, opts["resamples"], opts["seed"], opts["confidence"])
    for f in FIGURES:
        for key in ("a", "b", "diff", "se_a", "se_b", "se_diff", "mdd", "p_diff"):
            g.near(f"{f} {key}", h[KEYS[f]][key], e["figures"][f][key], 1e-9)
        for s, key in enumerate(("ci_a", "ci_b", "ci_diff")):
            want, was = boot[f][s], h[KEYS[f]][key]
            g.equal(f"{f} {key} defined", was is None, want is None)
            if want and was:
                g.near(f"{f} {key} lo", was[0], want[0], 1e-9)
                g.near(f"{f} {key} hi", was[1], want[1], 1e-9)
    ok &= g.report()
g = Group("Holm across the categories")
tests = [exps[c]["mcnemar"]["p_exact"] if exps[c]["mcnemar"]["b"] + exps[c]["mcnemar"]["c"]
         else None for c in cats]
g.true("a category without a McNemar test (toys)", None in tests)
g.true("at least two McNemar tests", sum(p is not None for p in tests) >= 2)
for c, adj in zip(cats, holm(tests)):
    want = adj if adj is not None else exps[c]["mcnemar"]["p_exact"]
    g.near(f"{c} McNemar Holm", have[c]["mcnemar"]["p_exact_holm"], want, 1e-12)
tests = [exps[c]["sign_p"] if exps[c]["toward"] + exps[c]["away"] else None for c in cats]
for c, adj in zip(cats, holm(tests)):
    want = adj if adj is not None else exps[c]["sign_p"]
    g.near(f"{c} sign test Holm", have[c]["sign_test"]["p_holm"], want, 1e-12)
# docs/prompt-lab.md: categories with nothing to test (here: A and B the
# same on every item) are left out of the count
tested = {c: exps[c]["classes"]["unchanged"] < exps[c]["n"] for c in cats}
g.equal("toys is no test of the figures", [c for c in cats if not tested[c]], ["toys"])
for f in FIGURES:
    adjusted = holm([exps[c]["figures"][f]["p_diff"] if tested[c] else None for c in cats])
    for c, adj in zip(cats, adjusted):
        want = adj if tested[c] else exps[c]["figures"][f]["p_diff"]
        g.near(f"{c} {f} Holm", have[c][KEYS[f]]["p_diff_holm"], want, 1e-9)
g.true("Holm raised some p-value", any(
    have[c]["mcnemar"]["p_exact_holm"] > have[c]["mcnemar"]["p_exact"] for c in cats))
ok &= g.report()
sys.exit(0 if ok else 1)
PY
rc=$?
while IFS= read -r line; do
	case $line in
	ok\ *) ok ;;
	*) not_ok "$line" ;;
	esac
done <"$TMP/check"
[ "$rc" -eq 0 ] || grep -q '^FAIL' "$TMP/check" || not_ok "the check exited $rc"

# The text report names the adjusted p-values per category.
run "$GAVEL" prompts --db "$db" compare fake.md fake-b.md --resamples 50
expect_match "$out" "Holm" "the text report mentions Holm's correction"
for c in shoes bags hats toys; do
	expect_match "$out" "$c" "the text report has a line for $c"
done
finish
