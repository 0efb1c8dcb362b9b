#!/usr/bin/env bash
# run.sh GAVEL - every benchmark; each prints its figures and its ratio to a
# baseline measured in the same run (the machines are shared and noisy).
set -eu
gavel=${1:?usage: run.sh GAVEL}
cd "$(dirname "$0")/../.."
bash tests/bench/bench_import.sh "$gavel"
bash tests/bench/bench_label.sh "$gavel"
bash tests/bench/bench_hostile.sh "$gavel"
bash tests/bench/bench_images.sh "$(dirname "$gavel")/build"
bash tests/bench/bench_sha256.sh "$(dirname "$gavel")/build"
bash tests/bench/bench_review.sh "$gavel"
bash tests/bench/bench_queue.sh "$(dirname "$gavel")/build"
bash tests/bench/bench_agree.sh "$gavel"
bash tests/bench/bench_dashboard.sh "$gavel"
bash tests/bench/bench_estimate.sh "$gavel"
bash tests/bench/bench_lab_compare.sh "$gavel"
bash tests/bench/bench_lab_cache.sh "$gavel"
bash tests/bench/bench_stats.sh "$(dirname "$gavel")/build"
bash tests/bench/bench_dawidskene.sh "$(dirname "$gavel")/build"
bash tests/bench/bench_export.sh "$gavel"
bash tests/bench/bench_linmodel.sh "$(dirname "$gavel")/build"
