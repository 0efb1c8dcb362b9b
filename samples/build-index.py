#!/usr/bin/env python3
"""build-index.py - write samples/manifest.jsonl and samples/LICENSES.md from samples/sources.tsv
(the photos, written by hand) and samples/variants.tsv (written by make-variants.sh).

Both outputs are generated: edit sources.tsv, this script or make-variants.sh, then rerun
    python3 samples/build-index.py
The outputs are committed; nothing runs at build time. Needs /usr/bin/identify (ImageMagick) to
record each file's size and colour type, and refuses to write if a listed file is missing or a file
under images/ or variants/ is not listed."""

import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
IDENTIFY = os.environ.get("IM_IDENTIFY", "/usr/bin/identify")

# Debian 12 versions the photos were taken from (the .deb names in the fetch cache).
VERSIONS = {
    "python3-skimage": "0.19.3-8",
    "python-matplotlib-data": "3.6.3-1",
    "mate-backgrounds": "1.26.0-1",
    "plasma-workspace-wallpapers": "4:5.27.5-2",
    "tuxpaint-stamps-default": "2022.06.04-1",
}

COLOUR = {"gray": "grey", "graya": "grey+alpha", "srgb": "rgb", "srgba": "rgba"}

PACKAGE_TERMS = {
    "python3-skimage": """\
Debian's copyright file: `Files: *` / `Copyright: 2009-2018 the scikit-image team` /
`License: BSD-3-Clause` (redistribution in source and binary form permitted provided the copyright
notice, the conditions and the disclaimer are retained; the full text is in
[licenses/python3-skimage.copyright](licenses/python3-skimage.copyright)). Each photo's own origin is
documented upstream in the docstrings of `skimage/data/_fetchers.py`, shipped in the same package and
quoted in [licenses/python3-skimage.data-notes.txt](licenses/python3-skimage.data-notes.txt): NASA and
SpaceX photos released into the public domain, CC0 dedications by the photographers (coffee, chelsea,
camera, retina) and "no known copyright restrictions" (coins, from the Brooklyn Museum collection).
**Dropped:** `motorcycle_left.png` (Middlebury 2014 stereo set): its docstring states no licence.""",
    "python-matplotlib-data": """\
Debian's copyright file: `Files: *` / `Copyright: (c) 2002 - 2012 John Hunter, Darren Dale, Eric
Firing, Michael Droettboom and the matplotlib development team; 2012 - 2016 The matplotlib development
team` / the matplotlib licence (based on the PSF licence): "MDT hereby grants Licensee a nonexclusive,
royalty-free, world-wide license to reproduce, analyze, test, perform and/or display publicly, prepare
derivative works, distribute, and otherwise use matplotlib alone or in any derivative version,
provided, however, that MDT's License Agreement and MDT's notice of copyright ... are retained", and a
derivative work must include "a brief summary of the changes made" (here: none; the file is copied
unchanged). Full text: [licenses/python-matplotlib-data.copyright](licenses/python-matplotlib-data.copyright).
The photo itself is the official US Navy portrait of Grace Hopper; its JPEG comment reads "File
source: http://commons.wikimedia.org/wiki/File:Grace_Hopper.jpg". As a work of the US government it
is in the public domain; the package does not say so itself.""",
    "mate-backgrounds": """\
Debian's copyright file names a copyright holder per wallpaper (quoted in the table above, e.g.
`Files: nature/Aqua.jpg nature/LadyBird.jpg nature/YellowFlower.jpg nature/Garden.jpg` /
`Copyright: 2008, Charles Barbin` / `License: GPL-2+`; "Copyright holders are found in AUTHORS
file."), all under GPL-2+: "you can redistribute it and/or modify it under the terms of the GNU General
Public License as published by the Free Software Foundation; either version 2 of the License, or (at
your option) any later version." Full text:
[licenses/mate-backgrounds.copyright](licenses/mate-backgrounds.copyright); GPL-2 text:
[licenses/GPL-2.txt](licenses/GPL-2.txt).""",
    "plasma-workspace-wallpapers": """\
Debian's copyright file: `Files: *` / `Copyright: 2014 KDE Visual Design Group
http://vdesign.kde.org/` / `License: GPL-2+` ("you can redistribute it and/or modify it under the
terms of the GNU General Public License ... either version 2 of the License, or (at your option) any
later version"). Each wallpaper's `metadata.json` in the same package names its photographer and
gives `"License": "LGPLv3"`; both are listed in
[licenses/plasma-workspace-wallpapers.metadata.txt](licenses/plasma-workspace-wallpapers.metadata.txt).
Either licence permits redistribution of modified copies. Full text:
[licenses/plasma-workspace-wallpapers.copyright](licenses/plasma-workspace-wallpapers.copyright).""",
    "tuxpaint-stamps-default": """\
Debian's copyright file: `Files: *` / `Copyright: 2002-2022 by Bill Kendrick
<bill@newbreedsoftware.com>` / `License: GPL-2`, whose text reads "you can redistribute it and/or
modify it under the terms of the GNU General Public License as published by the Free Software
Foundation; either version 2 of the License, or (at your option) any later version." Full text:
[licenses/tuxpaint-stamps-default.copyright](licenses/tuxpaint-stamps-default.copyright). The upstream
changelog in the same package credits several cut-outs to Wikimedia Commons photographers under
their original licences (GFDL, CC-BY-2.0, CC-BY-2.5, CC-BY-SA, public domain); those credits are
quoted in [licenses/tuxpaint-stamps-default.changelog-credits.txt](licenses/tuxpaint-stamps-default.changelog-credits.txt)
and repeated in the table above, so both the Debian statement and the original attribution are kept.
All of these licences permit redistribution with attribution. `glass.png` is an illustration rather
than a photograph; it is kept because it is the only grey+alpha PNG. **Dropped:** `guitar2.png`
(Open Clipart illustration, not a photograph).""",
}


def read_tsv(name):
    with open(os.path.join(HERE, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def probe(path):
    """Width, height and colour type of one image, from ImageMagick."""
    out = subprocess.run([IDENTIFY, "-quiet", "-format", "%w %h %[channels] %m", path + "[0]"],
                         check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1]), COLOUR.get(out[2], out[2]), out[3].lower()


def photo_entry(row):
    path = os.path.join(HERE, row["file"])
    if not os.path.isfile(path):
        sys.exit(f"build-index: {row['id']}: {row['file']} does not exist")
    w, h, colour, fmt = probe(path)
    kind = "photo"
    if row["package"] == "tuxpaint-stamps-default":
        kind = "illustration" if row["id"] == "tux-glass" else "cut-out"
    e = {"id": row["id"], "path": row["file"], "title": row["title"], "category": row["category"],
         "kind": kind, "source_package": row["package"],
         "package_version": VERSIONS[row["package"]], "original_file": row["original"],
         "author": row["author"], "licence": row["licence"]}
    if row["upstream_licence"]:
        e["licence_upstream"] = row["upstream_licence"]
    e.update({"format": fmt, "colour": colour, "width": w, "height": h})
    return e


def variant_entry(row, photos):
    src = photos[row["variant_of"]]
    bg = photos.get(row["background_of"]) if row["background_of"] else None
    path = os.path.join(HERE, row["file"])
    if not os.path.isfile(path):
        sys.exit(f"build-index: {row['id']}: {row['file']} does not exist")
    w, h, colour, fmt = probe(path)
    both = (lambda k, sep: src[k] + sep + bg[k]) if bg else (lambda k, sep: src[k])
    e = {"id": row["id"], "path": row["file"], "title": src["title"], "category": src["category"],
         "kind": "variant", "variant_of": src["id"], "defect": row["defect"], "how": row["how"]}
    if bg:
        e["background_of"] = bg["id"]
    e.update({"source_package": both("source_package", " + "), "author": both("author", " / "),
              "licence": both("licence", " + ")})
    if src.get("licence_upstream") or (bg and bg.get("licence_upstream")):
        parts = [p.get("licence_upstream", "") for p in (src, bg) if p]
        e["licence_upstream"] = " + ".join(p for p in parts if p)
    e.update({"format": fmt, "colour": colour, "width": w, "height": h})
    return e


def check_listed(entries):
    listed = {e["path"] for e in entries}
    for sub in ("images", "variants"):
        for name in sorted(os.listdir(os.path.join(HERE, sub))):
            if f"{sub}/{name}" not in listed:
                sys.exit(f"build-index: {sub}/{name} is not in sources.tsv or variants.tsv")


def md(s):
    return s.replace("|", "\\|")


def licences_md(entries, photos, notes):
    out = ["# Licences of the sample images", "",
           "Generated by `samples/build-index.py` from `sources.tsv` and `variants.tsv`; do not edit by hand.", "",
           "Every image here is a real photograph (or a photographic cut-out) taken from a Debian 12 package",
           "whose licence permits redistribution, except `images/tux-glass.png` (an illustration kept as the",
           "only grey+alpha PNG). Each package's copyright file was read and is copied unchanged into",
           "[licenses/](licenses/) as `<package>.copyright`; where the upstream project states a photographer or",
           "a licence of its own, that is recorded too (\"upstream\" below) and quoted in `licenses/*.txt`.",
           "Files larger than 800 px were downscaled (`samples/import-photos.sh`); the full-resolution",
           "originals, the preferred form for modification, are in the named packages in the Debian archive.",
           "The variants were made from these files by `samples/make-variants.sh` and carry the licence of",
           "every image they were made from. Licence texts: [licenses/GPL-2.txt](licenses/GPL-2.txt) and the",
           "copyright files.", "",
           "Not used: `python3-skimage` `motorcycle_left.png` (no licence stated), `tuxpaint-stamps-default`",
           "`guitar2.png` (an illustration), and the `opencv-doc` example images (provenance unverified).", "",
           "## Files", "",
           "| file | source package | original file | author | licence | changes |",
           "|---|---|---|---|---|---|"]
    for e in entries:
        if e["kind"] == "variant":
            src = photos[e["variant_of"]]
            orig = f"derived from `{src['path']}`"
            if "background_of" in e:
                orig += f" on `{photos[e['background_of']]['path']}`"
            orig += " by samples/make-variants.sh"
            pkg = e["source_package"]
            changes = f"{e['defect']}: {e['how']}"
        else:
            orig = f"`{e['original_file']}`"
            pkg = f"{e['source_package']} {e['package_version']}"
            changes = notes[e["id"]]
        lic = e["licence"] + (f"; upstream: {e['licence_upstream']}" if "licence_upstream" in e else "")
        out.append(f"| `{e['path']}` | {md(pkg)} | {md(orig)} | {md(e['author'])} | {md(lic)} "
                   f"| {md(changes)} |")
    out += ["", "## Package terms", ""]
    for pkg in VERSIONS:
        out += [f"### {pkg} {VERSIONS[pkg]}", "", PACKAGE_TERMS[pkg], ""]
    return "\n".join(out)


def main():
    photos = {}
    notes = {}
    entries = []
    for row in read_tsv("sources.tsv"):
        notes[row["id"]] = row["notes"]
        e = photo_entry(row)
        photos[e["id"]] = e
        entries.append(e)
    for row in read_tsv("variants.tsv"):
        entries.append(variant_entry(row, photos))
    ids = [e["id"] for e in entries]
    if len(ids) != len(set(ids)):
        sys.exit("build-index: duplicate id")
    check_listed(entries)
    with open(os.path.join(HERE, "manifest.jsonl"), "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "LICENSES.md"), "w", encoding="utf-8") as f:
        f.write(licences_md(entries, photos, notes))
    print(f"build-index: {len(photos)} photos, {len(entries) - len(photos)} variants")


if __name__ == "__main__":
    main()
