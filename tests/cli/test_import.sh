#!/usr/bin/env bash
# gavel import: JSONL, CSV and folders; dedupe; every bad-input case; big images.
. "$(dirname "$0")/lib.sh"
mkpng() { python3 "$(dirname "$0")/../tools/mkpng.py" "$@"; }
db=$TMP/g.db
"$GAVEL" init --db "$db" 2>/dev/null
d=$TMP/set
mkdir -p "$d/img/food" "$d/img/tools" "$d/img/.hidden"
mkpng "$d/img/food/a.png" 40 30 200 10 10
mkpng "$d/img/food/b.png" 30 40 10 200 10
mkpng "$d/img/tools/c.png" 20 20 10 10 200
mkpng "$d/img/d.png" 16 8 1 2 3
mkpng "$d/img/.hidden/e.png" 5 5 9 9 9
echo "not an image" >"$d/img/notes.txt"
echo "not an image either" >"$d/img/fake.jpg"
# a dump that changes whenever any row changes
snapshot() { sqlite3 "$db" .dump | sha256sum; }
items() { sql "$db" "SELECT count(*) FROM items"; }

# ---- JSONL: fields, metadata, UTF-8 titles, the measured image facts ----
cat >"$d/m.jsonl" <<'JSON'
{"id": "a", "path": "img/food/a.png", "title": "りんごの写真 🍎", "category": "food", "price": 120, "tags": ["red"]}
{"id": 7, "path": "img/food/b.png", "title": "Grün – café", "category": "food"}

{"path": "img/tools/c.png", "category": "tools"}
JSON
run "$GAVEL" import --db "$db" "$d/m.jsonl"
expect_rc 0 "JSONL import"
expect_match "$err" "3 added, 0 already present" "JSONL summary"
expect_eq "$(sql "$db" "SELECT title FROM items WHERE external_id = 'a'")" "りんごの写真 🍎" "Japanese title and emoji kept byte for byte"
expect_eq "$(sql "$db" "SELECT title FROM items WHERE external_id = '7'")" "Grün – café" "a numeric id becomes text"
expect_eq "$(sql "$db" "SELECT json_extract(metadata, '$.price') || ',' || json_extract(metadata, '$.tags[0]') FROM items WHERE external_id = 'a'")" "120,red" "other fields kept as metadata"
expect_eq "$(sql "$db" "SELECT json_type(metadata, '$.title') IS NULL FROM items WHERE external_id = 'a'")" 1 "own fields are not repeated in metadata"
expect_eq "$(sql "$db" "SELECT format || ' ' || width || 'x' || height || ' ' || bytes FROM items WHERE external_id = 'a'")" \
	"PNG 40x30 $(stat -c %s "$d/img/food/a.png")" "format, size and bytes probed"
expect_eq "$(sql "$db" "SELECT sha256 FROM items WHERE external_id = 'a'")" "$(sha256sum "$d/img/food/a.png" | cut -d' ' -f1)" "content hash is the file's SHA-256"
expect_eq "$(sql "$db" "SELECT path FROM items WHERE external_id = 'a'")" "$(realpath "$d/img/food/a.png")" "path stored as a real path"
expect_eq "$(sql "$db" "SELECT count(*) FROM items WHERE external_id = 'img/tools/c.png'")" 1 "id defaults to the path"

# ---- re-import adds nothing, and says so ----
run "$GAVEL" import --db "$db" "$d/m.jsonl"
expect_rc 0 "re-import"
expect_match "$err" "0 added, 3 already present" "re-import summary"
expect_eq "$(items)" 3 "re-import adds no rows"

# ---- CSV: header, quotes, embedded commas and newlines; dedupe on content ----
printf 'id,path,title,category,colour\r\nc2,img/tools/c.png,"same image, new id",tools,blue\r\nd,img/d.png,"two\nlines ""quoted""",misc,\r\n' >"$d/m.csv"
run "$GAVEL" import --db "$db" "$d/m.csv"
expect_rc 0 "CSV import"
expect_match "$err" "1 added, 1 already present \(0 same id, 1 same content\)" "CSV dedupe on content hash"
expect_eq "$(sql "$db" "SELECT title FROM items WHERE external_id = 'd'")" 'two
lines "quoted"' "CSV quoting"
expect_eq "$(sql "$db" "SELECT metadata FROM items WHERE external_id = 'd'")" "{}" "empty CSV values are left out"

# ---- a folder, recursively ----
db2=$TMP/f.db
"$GAVEL" init --db "$db2" 2>/dev/null
run "$GAVEL" import --db "$db2" "$d/img"
expect_rc 0 "folder import"
expect_match "$err" "4 added, 0 already present, 2 files skipped" "folder summary"
expect_match "$err" "skipped 2 files that are not images: fake.jpg, notes.txt" "the summary names the skipped files"
expect_eq "$(sql "$db2" "SELECT group_concat(external_id || '|' || ifnull(category, '-') || '|' || title, ' ') FROM (SELECT * FROM items ORDER BY external_id)")" \
	"d.png|-|d food/a.png|food|a food/b.png|food|b tools/c.png|tools|c" "folder ids, categories and titles; hidden files skipped"
run "$GAVEL" import --db "$db2" "$d/img"
expect_match "$err" "0 added, 4 already present" "folder re-import"

# a file name that is not UTF-8 would become an id and a title that are not text
lat=$TMP/latin
mkdir -p "$lat"
mkpng "$lat/caf$(printf '\351').png" 2 3 5 5 5
mkpng "$lat/plain.png" 3 2 6 6 6
"$GAVEL" init --db "$TMP/latin.db" 2>/dev/null
run "$GAVEL" import --db "$TMP/latin.db" "$lat"
expect_rc 1 "a folder with a Latin-1 file name"
expect_match "$err" "caf$(printf '\357\277\275').png: the file name is not UTF-8 \(Latin-1\? rename the files, e.g. convmv" "the name, cleaned, and what to do"
run "$GAVEL" import --db "$TMP/latin.db" --skip-bad "$lat"
expect_eq "$(sql "$TMP/latin.db" "SELECT group_concat(external_id) FROM items")" "plain.png" "--skip-bad takes the others"
# ids given as numbers: whole numbers under 2^53, else an error (1e300 was undefined behaviour)
printf '{"id": 9007199254740991, "path": "img/d.png"}\n{"id": 1e300, "path": "img/d.png"}\n{"id": -1e999, "path": "img/d.png"}\n{"id": 2.5, "path": "img/d.png"}\n' >"$d/numid.jsonl"
run "$GAVEL" import --db "$TMP/latin.db" "$d/numid.jsonl"
expect_match "$err" 'numid.jsonl:2: "id" must be a string or a whole number under 2\^53' "a huge numeric id"
expect_match "$err" 'numid.jsonl:3: "id" must be a string' "an infinite numeric id"
expect_match "$err" 'numid.jsonl:4: "id" must be a string' "a fractional id"
expect_no_match "$err" 'numid.jsonl:1:' "the largest exact whole number is an id"

# ---- formats gavel cannot label or show: refused in a manifest, named when a folder skips them ----
fmt=$TMP/formats
mkdir -p "$fmt/pics/sub"
python3 - "$fmt/pics" <<'PY'
import struct, sys
d = sys.argv[1]
gif = b"GIF89a" + struct.pack("<HH", 3, 2) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff" \
    + b",\x00\x00\x00\x00\x03\x00\x02\x00\x00\x02\x02D\x01\x00;"
bmp = b"BM" + struct.pack("<IHHI", 14 + 40 + 12, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 2, 2, 1, 24, 0, 16, 0, 0, 0, 0) + b"\0" * 16
files = {
    "anim.gif": gif, "scan.bmp": bmp, "raw.ppm": b"P6\n2 2\n255\n" + b"\x80" * 12,
    "photo.jpg": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\0" * 24,  # a WebP whose name says JPEG
    "iphone.heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    "sub/page.tif": b"II*\x00\x08\x00\x00\x00" + b"\0" * 8,
    "sub/README": "Überblick: keine Bilder\n".encode(), "sub/data.bin": bytes(range(256)),
}
for name, data in files.items():
    open(d + "/" + name, "wb").write(data)
PY
fdb=$TMP/formats.db
"$GAVEL" init --db "$fdb" 2>/dev/null
run "$GAVEL" import --db "$fdb" "$fmt/pics"
expect_rc 1 "a folder with no JPEG or PNG"
expect_match "$err" "pics: nothing to import: no JPEG or PNG image in the folder" "says there was nothing to import"
expect_match "$err" "skipped 6 files in formats gavel cannot label or show: anim.gif, iphone.heic, photo.jpg, and 3 more \(--verbose names them all\); convert them to PNG or JPEG" "unsupported formats: a count and the first names"
expect_match "$err" "skipped 2 files that are not images: sub/README, sub/data.bin" "not images: named apart"
mkpng "$fmt/pics/ok.png" 3 3 50 60 70
run "$GAVEL" import --db "$fdb" --verbose "$fmt/pics"
expect_rc 0 "a folder with one PNG among them"
expect_match "$out$err" "pics: 1 added, 0 already present, 8 files skipped" "--verbose summary"
for f in "anim.gif: unsupported format \(GIF\)" "scan.bmp: unsupported format \(BMP\)" "raw.ppm: unsupported format \(PNM\)" \
	"photo.jpg: unsupported format \(WebP\)" "iphone.heic: unsupported format \(HEIF/AVIF\)" "sub/page.tif: unsupported format \(TIFF\)" \
	"sub/README: not an image" "sub/data.bin: not an image"; do
	expect_match "$err" "skipped $f" "--verbose names $f"
done
expect_no_match "$err" "more \(--verbose" "--verbose needs no 'and N more'"
expect_eq "$(sql "$fdb" "SELECT group_concat(external_id) FROM items")" "ok.png" "only the PNG went in"
for f in anim.gif scan.bmp raw.ppm photo.jpg iphone.heic sub/page.tif; do
	printf '{"path": "pics/%s", "id": "%s"}\n' "$f" "$f" >"$fmt/one.jsonl"
	run "$GAVEL" import --db "$fdb" "$fmt/one.jsonl"
	expect_rc 1 "a manifest naming $f"
	expect_match "$err" "one.jsonl:1: pics/$f: unsupported format \([A-Za-z/]+\): gavel labels and shows JPEG and PNG; convert it to PNG or JPEG" "$f refused at import with what to do"
done
expect_no_match "$err" "not an image" "WebP and the others are not 'not an image'"

# ---- every bad line: FILE:LINE, and the database unchanged ----
ln -s /etc "$d/etc-link"
mkpng "$TMP/outside.png" 4 4 1 1 1
ln -s "$TMP/outside.png" "$d/img/outside-link.png"
printf '\033]0;pwned\007' >"$TMP/esc"
bad_case() { # NAME LINE-CONTENT EXPECTED-MESSAGE
	printf '{"path": "img/d.png", "id": "good-%s"}\n%s\n' "$1" "$2" >"$d/bad.jsonl"
	local before; before=$(snapshot)
	run "$GAVEL" import --db "$db" "$d/bad.jsonl"
	expect_rc 1 "bad line ($1) fails the import"
	expect_match "$err" "bad.jsonl:2: .*$3" "bad line ($1) is reported as FILE:LINE"
	expect_eq "$(snapshot)" "$before" "bad line ($1) leaves the database unchanged"
}
bad_case "invalid JSON" '{"path": "img/a.png",' "invalid JSON"
bad_case "not an object" '["img/a.png"]' "expected a JSON object"
bad_case "no path" '{"id": "x", "title": "t"}' '"path" is missing'
bad_case "missing file" '{"path": "img/nope.png"}' "img/nope.png: no such file"
bad_case "not an image" '{"path": "img/fake.jpg"}' "img/fake.jpg: .*not an image"
bad_case "dot-dot" '{"path": "../../etc/passwd"}' "outside the folder"
bad_case "absolute" '{"path": "/etc/passwd"}' "outside the folder"
bad_case "link to a folder outside" '{"path": "etc-link/passwd"}' "outside the folder"
bad_case "link to a file outside" '{"path": "img/outside-link.png"}' "outside the folder"
bad_case "a folder" '{"path": "img/food"}' "not a regular file"
bad_case "title not a string" '{"path": "img/d.png", "title": {"x": 1}}' '"title" must be a string'
bad_case "bad URL" '{"url": "file:///etc/passwd"}' "http:// or https://"
bad_case "invalid UTF-8" "$(printf '{"path": "img/d.png", "title": "\xff\xfe"}')" "not UTF-8"
bad_case "raw ESC in a string" "$(printf '{"path": "img/d.png", "title": "日本\033[31m"}')" 'invalid JSON: a raw control character U\+001B in a string \(column 39; write it \\u001b\)'
bad_case "raw tab in a string" "$(printf '{"path": "img/d.png", "title": "a\tb"}')" 'U\+0009 in a string \(column 34; write it \\t\)'
bad_case "a control character between fields" "$(printf '{"path": "img/d.png",\001 "id": "x"}')" 'invalid JSON: a control character U\+0001 \(column 22\)'
# a NUL inside a value once cut it short silently ("ab\0cd" stored as "ab")
printf '{"path": "img/d.png", "id": "nul-1", "title": "ab\000cd"}\n' >"$d/nul.jsonl"
run "$GAVEL" import --db "$db" --skip-bad "$d/nul.jsonl"
expect_match "$err" 'nul.jsonl:1: invalid JSON: a NUL byte \(column 50\)' "a NUL in a JSONL string is invalid JSON"
expect_eq "$(sql "$db" "SELECT count(*) FROM items WHERE external_id = 'nul-1'")" 0 "no truncated value is stored"
printf 'id,path,title\nnul-2,img/d.png,ab\000cd\n' >"$d/nul.csv"
run "$GAVEL" import --db "$db" "$d/nul.csv"
expect_match "$err" 'nul.csv:2: "title" has a NUL byte' "a NUL in a CSV value"
run "$GAVEL" import --db "$db" "$d/bad.jsonl"
expect_match "$err" "nothing imported: 1 bad record.*--skip-bad" "the failure says how to go on"

# escape sequences in what we echo back never reach the terminal
printf '{"path": "img/\\u001b]0;pwned\\u0007\\u001b[2J.png"}\n' >"$d/esc.jsonl"
run "$GAVEL" import --db "$db" "$d/esc.jsonl"
expect_rc 1 "a path with escape sequences is a bad line"
if printf '%s' "$err" | grep -q "$(printf '\033')"; then not_ok "ESC reached stderr"; else ok; fi
expect_match "$err" 'img/\^\[\]0;pwned\^G\^\[\[2J.png' "control characters shown in caret notation"

# files in a legacy encoding (written by Python's own codecs): FILE:LINE, the
# column, the text before the bad byte and the fix; never bytes from freed memory
legacy() { # ENCODING FILE LINES... : writes LINES (UTF-8 here) in ENCODING
	local enc=$1 file=$2; shift 2
	python3 -c 'import sys; sys.stdout.buffer.write("".join(l + "\r\n" for l in sys.argv[2:]).encode(sys.argv[1]))' "$enc" "$@" >"$file"
}
legacy latin-1 "$d/latin1.csv" "id,path,title,category" "l1,img/d.png,plain,misc" "l2,img/d.png,Crème brûlée,Süßes"
run "$GAVEL" import --db "$db" "$d/latin1.csv"
expect_rc 1 "a Latin-1 CSV is refused"
expect_match "$err" 'latin1.csv:3: "title" is not UTF-8: byte 0xE8 after "Cr" \(Latin-1 or Windows-1252\? convert the file with iconv -f WINDOWS-1252 -t UTF-8\)' "Latin-1 CSV: line, column, context and fix"
expect_match "$err" "nothing imported: 1 bad record" "Latin-1 CSV: one bad record"
legacy cp1252 "$d/cp1252.csv" "id,path,title" "w1,img/d.png,“Grün” für 5 €"
run "$GAVEL" import --db "$db" "$d/cp1252.csv"
expect_match "$err" 'cp1252.csv:2: "title" is not UTF-8: byte 0x93 at its start \(Latin-1 or Windows-1252' "Windows-1252 CSV: curly quote at the start"
legacy cp1252 "$d/cp1252.jsonl" '{"path": "img/d.png", "id": "j1"}' '{"path": "img/d.png", "id": "j2", "title": "naïve – 10 €"}'
run "$GAVEL" import --db "$db" "$d/cp1252.jsonl"
expect_match "$err" 'cp1252.jsonl:2: not UTF-8 \(column 47\): byte 0xEF after ""id": "j2", "title": "na" \(Latin-1 or' "Windows-1252 JSONL: column and context"
if printf '%s' "$err" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then ok; else not_ok "invalid UTF-8 reached stderr"; fi
printf 'id,path,title\nu1,img/d.png,"\xe6\x97\xa5\xe6\x9c"\n' >"$d/cut.csv"
run "$GAVEL" import --db "$db" "$d/cut.csv"
expect_match "$err" 'cut.csv:2: "title" is not UTF-8: byte 0xE6 after "日" \(a malformed or cut UTF-8 character' "a UTF-8 character cut short"

# several bad lines are all listed; CSV errors too
printf '{"path": "img/d.png"}\n{bad\n{"path": "img/nope.png"}\n' >"$d/many.jsonl"
run "$GAVEL" import --db "$db" "$d/many.jsonl"
expect_match "$err" "many.jsonl:2: " "first of several bad lines"
expect_match "$err" "many.jsonl:3: " "second of several bad lines"
expect_match "$err" "2 bad records" "count of bad lines"
printf 'path,title\nimg/d.png,ok\nimg/d.png,one,too many\n"img/d.png"x,t\n' >"$d/bad.csv"
before=$(snapshot)
run "$GAVEL" import --db "$db" "$d/bad.csv"
expect_rc 1 "bad CSV"
expect_match "$err" "bad.csv:3: 3 fields, but the header has 2" "CSV field count"
expect_match "$err" 'bad.csv:4: "path": text after its closing quote' "CSV stray quote"
expect_eq "$(snapshot)" "$before" "bad CSV leaves the database unchanged"

# a value over the limit (1 MiB a record): one error at its own line, the rest read right
mkpng "$d/img/l1.png" 2 2 1 9 1; mkpng "$d/img/l2.png" 2 2 9 1 1; mkpng "$d/img/l3.png" 2 2 1 1 9
python3 - "$d/long.csv" <<'PY'
import sys
big = "«" + "x" * (1 << 20) + ", with a comma and a\nnewline»"
rows = ["id,path,title", "l1,img/l1.png,Éclair", 'l2,img/l2.png,"%s"' % big, "l3,img/l3.png,ok", "l4,img/l4.png," + "y" * 20]
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(rows) + "\n")
PY
run "$GAVEL" import --db "$db" "$d/long.csv"
expect_rc 1 "a CSV record over the limit"
expect_match "$err" 'long.csv:3: the record is longer than 1048576 bytes \(in "title"\)' "over-long value reported at its own line"
expect_eq "$(printf '%s\n' "$err" | grep -c 'long.csv:[0-9]')" 2 "one error for the long value, one for the missing image"
expect_match "$err" 'long.csv:6: img/l4.png: no such file' "the record after it has its true line (the long one spans two)"
expect_match "$err" "nothing imported: 2 bad records" "bad records counted once each"
run "$GAVEL" import --db "$db" --skip-bad "$d/long.csv"
expect_match "$err" "2 added, 0 already present, 2 bad skipped" "--skip-bad takes the good records around it"

# the same id twice in one manifest: an error naming both lines, unless it is the same image
dupdb=$TMP/dup.db
"$GAVEL" init --db "$dupdb" 2>/dev/null
printf '{"id": "画像-1", "path": "img/l1.png"}\n{"id": "b", "path": "img/l2.png"}\n\n{"id": "b", "path": "img/l2.png"}\n{"id": "画像-1", "path": "img/l3.png"}\n' >"$d/dup.jsonl"
run "$GAVEL" import --db "$dupdb" "$d/dup.jsonl"
expect_rc 1 "an id given to two images"
expect_match "$err" 'dup.jsonl:5: the id "画像-1" is given on line 1 to another image; ids must be unique' "the duplicate names both lines"
expect_no_match "$err" 'dup.jsonl:4' "the same image twice under its id is only a repeat"
expect_eq "$(sql "$dupdb" "SELECT count(*) FROM items")" 0 "nothing imported"
run "$GAVEL" import --db "$dupdb" --skip-bad "$d/dup.jsonl"
expect_match "$err" "2 added, 1 already present \(1 same id, 0 same content\), 1 bad skipped" "--skip-bad keeps the first"
expect_eq "$(sql "$dupdb" "SELECT path FROM items WHERE external_id = '画像-1'")" "$(realpath "$d/img/l1.png")" "the first line's image is the one kept"
printf 'id,path,title\nx,img/l1.png,"two\nlines"\ny,img/l2.png,t\nx,img/l3.png,t\n' >"$d/dup.csv"
"$GAVEL" init --db "$TMP/dup2.db" 2>/dev/null
run "$GAVEL" import --db "$TMP/dup2.db" "$d/dup.csv"
expect_match "$err" 'dup.csv:5: the id "x" is given on line 2 to another image' "CSV duplicate ids, after a record over two lines"
run "$GAVEL" import --db "$TMP/dup2.db" "$d/dup.csv"
expect_match "$err" 'dup.csv:5: the id "x" is given on line 2' "the check does not depend on what the database holds"

# --skip-bad: the good lines go in, the bad are listed
mkpng "$d/img/skip.png" 3 3 7 7 7
printf '{"path": "img/skip.png", "id": "skip-good"}\n{"path": "img/nope.png"}\n{oops\n' >"$d/skip.jsonl"
run "$GAVEL" import --db "$db" --skip-bad "$d/skip.jsonl"
expect_rc 0 "--skip-bad succeeds"
expect_match "$err" "skip.jsonl:2: img/nope.png: no such file" "--skip-bad lists bad lines"
expect_match "$err" "1 added, 0 already present, 2 bad skipped" "--skip-bad summary"
expect_eq "$(sql "$db" "SELECT count(*) FROM items WHERE external_id = 'skip-good'")" 1 "--skip-bad imports the good line"

# --root widens where images may live
printf '{"path": "../outside.png", "id": "outside"}\n' >"$d/root.jsonl"
run "$GAVEL" import --db "$db" "$d/root.jsonl"
expect_rc 1 "outside the manifest's folder by default"
run "$GAVEL" import --db "$db" --root "$TMP" "$d/root.jsonl"
expect_rc 0 "--root allows it"

# BOM and CRLF line ends; URLs; --no-probe
printf '\xef\xbb\xbf{"url": "https://example.com/x.jpg", "id": "u1"}\r\n' >"$d/bom.jsonl"
run "$GAVEL" import --db "$db" "$d/bom.jsonl"
expect_rc 0 "BOM and CRLF"
expect_eq "$(sql "$db" "SELECT url FROM items WHERE external_id = 'u1'")" "https://example.com/x.jpg" "URL items"
sha=$(printf 'x%.0s' {1..64} | tr x a)
printf '{"path": "img/d.png", "id": "np", "sha256": "%s", "width": 999, "height": 5}\n' "$sha" >"$d/np.jsonl"
run "$GAVEL" import --db "$db" --no-probe "$d/np.jsonl"
expect_rc 0 "--no-probe"
expect_eq "$(sql "$db" "SELECT sha256 || ' ' || width || 'x' || height FROM items WHERE external_id = 'np'")" "$sha 999x5" "--no-probe trusts the manifest"
printf '{"path": "img/d.png", "id": "np-gif", "format": "gif"}\n{"path": "img/d.png", "id": "np-webp", "format": "WebP"}\n{"path": "img/d.png", "id": "np-other", "format": "jpeg-xl?"}\n' >"$d/npfmt.jsonl"
run "$GAVEL" import --db "$db" --no-probe "$d/npfmt.jsonl"
expect_match "$err" 'npfmt.jsonl:1: unsupported format \(GIF\): gavel labels and shows JPEG and PNG' "--no-probe: a stated GIF is refused"
expect_match "$err" 'npfmt.jsonl:2: unsupported format \(WebP\)' "--no-probe: a stated WebP is refused"
expect_no_match "$err" 'npfmt.jsonl:3' "--no-probe: another word is kept as given"
printf '{"path": "img/nope.png", "id": "np2"}\n' >"$d/np2.jsonl"
run "$GAVEL" import --db "$db" --no-probe "$d/np2.jsonl"
expect_rc 1 "--no-probe still checks the file is there"

# ---- big and bogus images ----
mkpng "$d/img/huge.png" 12000 12000 90 90 90
printf '{"path": "img/huge.png", "id": "huge"}\n' >"$d/huge.jsonl"
run /usr/bin/time -f "%M" "$GAVEL" import --db "$db" "$d/huge.jsonl"
expect_rc 0 "a 12000x12000 image imports"
expect_eq "$(sql "$db" "SELECT width || 'x' || height FROM items WHERE external_id = 'huge'")" "12000x12000" "huge image size"
kb=$(printf '%s\n' "$err" | tail -n 1)
[ "$kb" -lt 51200 ] && ok || not_ok "importing a huge image used ${kb} KB (want < 50 MB)"
# a PNG header that claims 70000x70000 pixels
python3 - "$d/img/bomb.png" <<'PY'
import struct, sys, zlib
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 70000, 70000, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
PY
printf '{"path": "img/bomb.png"}\n' >"$d/bomb.jsonl"
run "$GAVEL" import --db "$db" "$d/bomb.jsonl"
expect_rc 1 "an image too large is refused"
expect_match "$err" "bomb.jsonl:1: img/bomb.png: .*at most 65535 pixels a side" "too large message"
head -c 1000 "$d/img/huge.png" >"$d/img/trunc.png"
printf '{"path": "img/trunc.png"}\n' >"$d/trunc.jsonl"
run "$GAVEL" import --db "$db" "$d/trunc.jsonl"
expect_rc 1 "a truncated image is refused"
: >"$d/img/empty.png"
printf '{"path": "img/empty.png"}\n' >"$d/empty.jsonl"
run "$GAVEL" import --db "$db" "$d/empty.jsonl"
expect_rc 1 "an empty file is refused"

# ---- empty files: the same answer for JSONL and CSV, for import and import-ratings ----
: >"$d/empty.jsonl"; : >"$d/empty.csv"; printf '\xef\xbb\xbf\r\n\n' >"$d/blank.jsonl"; printf 'id,path\r\n' >"$d/header.csv"
for f in empty.jsonl empty.csv blank.jsonl header.csv; do
	run "$GAVEL" import --db "$db" "$d/$f"
	expect_rc 1 "import of $f"
	expect_match "$err" "$f: nothing to import: the file has no records" "import of $f says why"
	run "$GAVEL" import-ratings --db "$db" "$d/$f"
	expect_rc 1 "import-ratings of $f"
	expect_match "$err" "$f: no ratings to import" "import-ratings of $f says why"
done

# ---- files that are not manifests: what they are and what to do ----
printf '[\n  {"path": "img/d.png"}\n]\n' >"$d/array.json"
run "$GAVEL" import --db "$db" "$d/array.json"
expect_rc 1 "a JSON array"
expect_match "$err" "array.json: a JSON array; gavel reads JSON Lines, one object a line: convert it with jq -c '.\[\]'" "a JSON array gets a hint"
if command -v jq >/dev/null; then
	jq -c '.[]' "$d/array.json" >"$d/array.jsonl"
	run "$GAVEL" import --db "$db" "$d/array.jsonl"
	expect_rc 0 "the hint's command works"
fi
printf '{\n  "path": "img/d.png"\n}\n' >"$d/pretty.json"
run "$GAVEL" import --db "$db" "$d/pretty.json"
expect_match "$err" "pretty.json:1: invalid JSON \(at column 2\): the value does not end on its line; JSONL holds one object a line" "a pretty-printed object gets a hint"
printf 'id\tpath\ttitle\nt1\timg/d.png\tÜberschrift\n' >"$d/table.tsv"
run "$GAVEL" import --db "$db" "$d/table.tsv"
expect_rc 1 "a TSV file"
expect_match "$err" "table.tsv:1: the header has tabs but no commas: a tab-separated \(TSV\) file\? gavel reads CSV \(comma-separated\) or JSONL; save it as CSV" "a TSV gets a hint"
printf 'id;path;titre\nt1;img/d.png;café\n' >"$d/excel-fr.csv"
run "$GAVEL" import --db "$db" "$d/excel-fr.csv"
expect_match "$err" "excel-fr.csv:1: the header has semicolons but no commas" "a semicolon CSV gets a hint"
python3 -c 'import sys; open(sys.argv[1], "wb").write("id,path,title\r\nu,img/d.png,日本語\r\n".encode("utf-16"))' "$d/utf16.csv"
run "$GAVEL" import --db "$db" "$d/utf16.csv"
expect_match "$err" "utf16.csv: UTF-16 text; gavel reads UTF-8: convert it with iconv -f UTF-16 -t UTF-8" "UTF-16 gets a hint"
iconv -f UTF-16 -t UTF-8 "$d/utf16.csv" >"$d/utf16-fixed.csv"
run "$GAVEL" import --db "$db" "$d/utf16-fixed.csv"
expect_rc 0 "the UTF-16 hint's command works"
run "$GAVEL" import --db "$db" "$d/img/d.png"
expect_match "$err" "d.png: a PNG image, not a manifest: import the folder it is in" "an image given as a manifest"

# ---- usage ----
run "$GAVEL" import --db "$db"
expect_rc 2 "import without a path"
run "$GAVEL" import --db "$db" "$TMP/nothing.jsonl"
expect_rc 1 "import of a missing manifest"
expect_match "$err" "nothing.jsonl: No such file" "missing manifest message"
expect_eq "$(sql "$db" "PRAGMA integrity_check")" ok "database sound after everything"

finish
