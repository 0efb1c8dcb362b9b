#!/usr/bin/env bash
# The comparison screen's item view (headless gavel review --script, 100x30,
# --graphics blocks): every item of a comparison of two prompt versions
# opened in turn, and each class key's list, checked by
# lab_compare_item_check.py against the database read with Python's
# sqlite3: the right item and title, its settled human label and class, A's
# and B's labels and rationales side by side, each wrapped to its column by
# display width (a long Japanese one, Korean, Chinese and Greek ones, a
# rationale of two paragraphs; with repeated answers, the majority's),
# control characters in a rationale or a
# title shown as caret notation and never written raw, the picture in the
# middle (or "(no image)" for an item without one), and each class key
# showing exactly the items of that class. Then --graphics none: "(images
# off)" where the picture would be.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
db=$TMP/lab.db
prompts=$here/../data/prompts

# 14 items settled by ann: (human, A's answer, B's answer) giving each of
# the six classes at least twice; fake.md answers expect, fake-b.md expect_b.
python3 - "$here/../tools" "$TMP" <<'PY'
import json, os, sys
sys.path.insert(0, sys.argv[1])
from mkpng import write_png
out = sys.argv[2]
kinds = [(3, 2, 3), (4, 4, 2), (5, 2, 4), (2, 3, 5), (3, 2, 4), (1, 1, 1), (2, 4, 4), (4, 4, 4),
         (1, 3, 1), (5, 5, 1), (1, 5, 2), (3, 4, 5), (2, 1, 3), (4, 2, 2)]
with open(os.path.join(out, "m.jsonl"), "w") as m, open(os.path.join(out, "h.csv"), "w") as h:
    h.write("item,rater,label\n")
    for i, (hl, a, b) in enumerate(kinds, 1):
        name = f"c{i:02d}"
        write_png(os.path.join(out, name + ".png"), 16, 16, (15 * i, 5 * i, 99))
        title = f"photo {i}" if i != 7 else "photo \x1b]0;TITLE\x07 seven"
        m.write(json.dumps({"id": name, "path": name + ".png", "title": title, "expect": a,
                            "expect_b": b}) + "\n")
        h.write(f"{name},ann,{hl}\n")
PY
"$GAVEL" init --db "$db" >/dev/null 2>&1
"$GAVEL" import --db "$db" -q "$TMP/m.jsonl"
"$GAVEL" import-ratings --db "$db" -q "$TMP/h.csv"
start_llm_server
for p in fake fake-b; do # run 1: A (version 1), run 2: B (version 2)
	"$GAVEL" label --db "$db" --provider openai --model fake-1 --base-url "$LLM_URL/v1" \
		--api-key k --prompt "$prompts/$p.md" --settled -q >/dev/null 2>&1
done
expect_eq "$(sql "$db" "SELECT count(*) FROM predictions WHERE status = 'ok'")" 28 "fixture: 28 answers"
# Rationales a model could give (the server's are plain English), and an
# item without a picture.
python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ja = ("スコア4: この写真は商品の輪郭がはっきりしていて、光の当たり方も自然です。ただし背景が"
      "少し暗く、細部が見えにくいところがあります。全体としては良い写真だと思います。")
said = {
    ("c03", 1): "Ωραία φωτογραφία\x1b]0;PWNED\x07 and \x1b[31mred\x1b[0m text,\ta tab, \x9b2J a C1 "
                "CSI, DEL\x7f and a bell\x07 too",
    ("c03", 2): ja,
    ("c11", 1): "사진이 전체적으로 밝고 선명합니다. 하지만 배경이 조금 어둡고 초점이 약간 흐립니다.",
    ("c11", 2): "Фотография хорошая, но 背景有点暗，细节不够清楚，商品的边缘也有些模糊。",
    ("c01", 2): "First paragraph: the light is even.\nSecond paragraph, after a newline: the "
                "background is clean and the product is centred.",
}
for (item, run), text in said.items():
    db.execute("UPDATE predictions SET rationale = ? WHERE run_id = ? AND item_id = "
               "(SELECT id FROM items WHERE external_id = ?)", (text, run, item))
db.execute("UPDATE items SET path = NULL WHERE external_id = 'c05'")
# c04 asked B twice more (as --repeat does): its majority, 4, is not its
# first answer (5); the view shows the majority's answer and rationale
for sample in (1, 2):
    db.execute("INSERT INTO predictions (run_id, item_id, sample, status, score, label, rationale)"
               " SELECT 2, id, ?, 'ok', 4, 4, ? FROM items WHERE external_id = 'c04'",
               (sample, f"Sample {sample}: a little better than the first answer said."))
db.commit()
PY

line_of() { # REF: its line on the lab screen (0 = the first), from its rank
	"$GAVEL" prompts --db "$db" list --resamples 10 | awk -v ref="$1" '$2 == ref { print $1 - 1 }'
}
a=$(line_of 1) b=$(line_of 2)
{
	printf 'key L\nkey j*%d m\nkey k*9 j*%d c\ndump all\n' "$a" "$b"
	for k in 1 2 3 4 5 6 0; do printf 'key %d\ndump class%d\n' "$k" "$k"; done
	for i in $(seq 0 13); do printf 'key <Enter>\ndump item%d\nkey q j\n' "$i"; done
	printf 'key q q q\n'
} >"$TMP/s1.script"
mkdir -p "$TMP/s1" "$TMP/s2"
run "$GAVEL" review --db "$db" --reviewer ann --graphics blocks --script "$TMP/s1.script" --dump-dir "$TMP/s1"
expect_rc 0 "the session with pictures"
printf 'key L\nkey j*%d m\nkey k*9 j*%d c\nkey <Enter>\ndump item0\nkey q q q\n' "$a" "$b" >"$TMP/s2.script"
run "$GAVEL" review --db "$db" --reviewer ann --graphics none --script "$TMP/s2.script" --dump-dir "$TMP/s2"
expect_rc 0 "the session without pictures"

python3 "$here/lab_compare_item_check.py" "$db" "$TMP/s1" "$TMP/s2" >"$TMP/check" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	ok\ *) ok ;;
	*) not_ok "$line" ;;
	esac
done <"$TMP/check"
[ "$rc" -eq 0 ] || grep -q '^FAIL' "$TMP/check" || not_ok "lab_compare_item_check.py exited $rc"
finish
