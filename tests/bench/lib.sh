# lib.sh - what the benchmarks share; source it after setting tmp (a folder
# that is removed on exit).

# measure CMD...: "wall-seconds peak-RSS-KB" of one run; its output kept in
# $tmp/out, and its errors shown (and the benchmark stopped) when it fails
measure() {
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
	cat "$tmp/time"
}

# best CMD...: the fastest of three runs as measure prints it, against a
# noisy shared machine
best() {
	local b=999 kb=0 t k
	for _ in 1 2 3; do
		read -r t k < <(measure "$@")
		if awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t kb=$k; fi
	done
	echo "$b $kb"
}
