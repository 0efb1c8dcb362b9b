#!/usr/bin/env bash
# bench_linmodel.sh BUILD - the linear scorer's fits against scikit-learn on
# the same data in the same run, and the pixel features' speed against
# decoding alone. BUILD is the Makefile's build directory (its objects are
# linked in).
#
# Fits (gavel: the whole of linmodel_fit, standardisation included;
# scikit-learn: the fit alone, on data StandardScaler already transformed;
# each the best of three fits in one process, wall and CPU seconds, the
# objective each reaches, and the memory the fit needs: gavel's growth of the
# process's peak (getrusage), scikit-learn's peak allocation (tracemalloc)):
#   binary logistic, 100,000 x 32, C = 1     target: < 0.5 s, faster than lbfgs, lower objective
#   multinomial logistic, 5 labels, 100,000 x 32   target: < 2 s
#   ridge, 1,000,000 x 32, alpha = 1          target: < 1 s
# Features: images a second over samples/ (decoded to the 512 box, then
# measured), on one core and on every core, next to decoding alone.
# scikit-learn is Debian's python3-sklearn under /usr/bin/python3; it is
# installed with tests/deps.sh when missing, and its column is skipped when
# that cannot be done.
set -eu
build=${1:?usage: bench_linmodel.sh BUILD}
cd "$(dirname "$0")/../.."
build=$(cd "$build" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench-linmodel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

pkgs="ncursesw libsixel sqlite3 libcurl libcjson libpng"
objs=
for src in src/*/*.c db/*.c ui/*.c; do
	[ "$src" = src/cmd/main.c ] || objs="$objs $build/${src%.c}.o"
done
bin=$build/bench/bench_linmodel
mkdir -p "$build/bench"
# shellcheck disable=SC2046,SC2086 # the flag lists are meant to split
cc -std=c17 -D_GNU_SOURCE -I. -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -O2 -g $(pkg-config --cflags $pkgs) -o "$bin" \
	tests/bench/bench_linmodel.c $objs $(pkg-config --libs $pkgs) -ljpeg -lpthread -lm

sklearn=1
if ! /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
	tests/deps.sh python3-sklearn >&2 || true
	/usr/bin/python3 -c 'import sklearn' 2>/dev/null ||
		{ sklearn=; echo "bench_linmodel: scikit-learn unavailable; its column is skipped"; }
fi

# field JSON KEY: one number from a one-line JSON object
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# one NAME KIND CLASSES ROWS PENALTY SEED
one() {
	local name=$1 kind=$2 classes=$3 rows=$4 penalty=$5 seed=$6 g s
	"$bin" gen "$kind" "$rows" 32 "$classes" "$seed" "$tmp/$name"
	g=$("$bin" fit "$kind" "$penalty" "$rows" 32 "$tmp/$name" 3)
	printf '%-12s gavel        %7.3f s wall %7.3f s cpu  objective %.10f  |grad| %s  steps %s  +%s KB\n' \
		"$name" "$(field "$g" seconds)" "$(field "$g" cpu_seconds)" "$(field "$g" objective)" \
		"$(field "$g" grad_norm)" "$(field "$g" iterations)" "$(field "$g" fit_kb)"
	if [ -n "$sklearn" ]; then
		s=$(/usr/bin/python3 tests/bench/bench_linmodel_sklearn.py "$tmp/$name" "$rows" 32 "$kind" "$penalty")
		printf '%-12s scikit-learn %7.3f s wall %7.3f s cpu  objective %.10f  iterations %s  +%s KB\n' \
			"" "$(field "$s" seconds)" "$(field "$s" cpu_seconds)" "$(field "$s" objective)" \
			"$(field "$s" iterations)" "$(field "$s" fit_kb)"
		awk -v g="$(field "$g" seconds)" -v s="$(field "$s" seconds)" \
			-v go="$(field "$g" objective)" -v so="$(field "$s" objective)" \
			'BEGIN { printf "%-12s scikit-learn / gavel time: %.2fx; objective gavel - scikit-learn: %.3g\n", "", s / g, go - so }'
	fi
	rm -f "$tmp/$name".x "$tmp/$name".y
}

echo "bench_linmodel: fits, 32 features (gavel standardises inside the timed fit)"
one binary logistic 2 100000 1 1
one multinomial logistic 5 100000 1 2
one ridge ridge 0 1000000 1 3

cores=$(nproc)
images=(samples/images/* samples/variants/*)
repeat=${GAVEL_BENCH_REPEAT:-2}
echo "bench_linmodel: pixel features over ${#images[@]} sample images (x$repeat), decoded to 512 px"
for jobs in 1 "$cores"; do
	r=$("$bin" images "$jobs" "$repeat" "${images[@]}")
	awk -v j="$jobs" -v d="$(field "$r" decode_per_s)" -v f="$(field "$r" features_per_s)" \
		-v kb="$(field "$r" peak_kb)" 'BEGIN { printf "%2d thread(s): decode alone %7.1f images/s, decode + features %7.1f images/s (%.2fx the time), peak %d KB\n", j, d, f, d / f, kb }'
done
