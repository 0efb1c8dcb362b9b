#!/usr/bin/env python3
"""cells.py X W [Y H] - cut a rectangle of terminal cells out of a text
screen (tmux capture-pane -p) read from stdin: columns X..X+W-1 of rows
Y..Y+H-1 (all rows by default), one output line per row, trailing spaces
kept so columns line up. Counts display columns, not characters: East Asian
wide and fullwidth characters take two (a wide character cut in half becomes
a space), as in the terminal. Used by the tmux test of the review UI to look
at one pane at a time."""
import sys
import unicodedata


def width(ch):
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cut(line, x, w):
    out, col = [], 0
    for ch in line:
        cw = width(ch)
        if col >= x + w:
            break
        if col >= x and col + cw <= x + w:
            out.append(ch)
        elif col + cw > x and cw:
            out.append(" " * (min(col + cw, x + w) - max(col, x)))  # half a wide character
        col += cw
    text = "".join(out)
    return text + " " * (w - sum(width(c) for c in text))


def main(argv):
    if len(argv) not in (3, 5):
        sys.exit(__doc__)
    x, w = int(argv[1]), int(argv[2])
    lines = sys.stdin.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    y, h = (int(argv[3]), int(argv[4])) if len(argv) == 5 else (0, len(lines))
    for row in range(y, y + h):
        print(cut(lines[row] if row < len(lines) else "", x, w))


if __name__ == "__main__":
    main(sys.argv)
