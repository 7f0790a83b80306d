#!/usr/bin/env bash
# Times the placeholder (ThumbHash and dominant colour) of the 100x100 and 100x67 copies
# the engines hand over, one thread pinned to one core. Prints a table; the last line is
#   placeholder-us: <the largest median time per placeholder, in microseconds>
# Usage: bench/placeholder-benchmark.sh   (WARMUP, BATCHES, CORE, JAVA override)
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
WARMUP="${WARMUP:-100}"
BATCHES="${BATCHES:-100}"
JAVA="$(bench_java)"
CORE="${CORE:-0}"
CLASSPATH_BENCH="$(bench_classpath test-compile)"

echo "warm-up $WARMUP batches, $BATCHES measured, pinned to core $CORE" >&2
taskset -c "$CORE" "$JAVA" -XX:ActiveProcessorCount=1 -cp "$CLASSPATH_BENCH" \
  dev.imageworker.bench.PlaceholderBenchmark "$WARMUP" "$BATCHES" \
  | grep '^RESULT' | awk '
  function field(name,   i, kv) {
    for (i = 4; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
  }
  BEGIN {
    printf "| copy | size | placeholder us | its CPU us | ThumbHash alone us | its CPU us |\n"
    printf "|---|---|---:|---:|---:|---:|\n"
  }
  { p = field("placeholder_us")
    printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, p, field("placeholder_cpu_us"), field("thumbhash_us"), field("thumbhash_cpu_us")
    if (p + 0 > worst) worst = p + 0 }
  END { printf "placeholder-us: %.1f\n", worst }'
