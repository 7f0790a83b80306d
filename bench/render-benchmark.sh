#!/usr/bin/env bash
# Renders the shared camera photos with Pillow and with each engine, one thread pinned to
# one core, each in its own process, and compares them. The last line is
#   render-vs-pillow: <fastest engine> <Pillow median ms / engine median ms>
# Usage: bench/render-benchmark.sh [photo-dir]   (WARMUP, ROUNDS, ENGINES, JAVA override)
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
PHOTOS="${1:-${PHOTOS:-photos}}"
WARMUP="${WARMUP:-1}"
ROUNDS="${ROUNDS:-3}"
ENGINES="${ENGINES:-vips java naive}"
JAVA="$(bench_java)"
CORE="${CORE:-0}"

bench_photos "$PHOTOS"
bench_python PIL python3-pil
CLASSPATH_BENCH="$(bench_classpath test-compile)"

results=$(mktemp)
trap 'rm -f "$results"' EXIT

echo "photos: $(ls "$PHOTOS"/*.jpg | wc -l) JPEGs in $PHOTOS; warm-up $WARMUP, rounds $ROUNDS, pinned to core $CORE" >&2
taskset -c "$CORE" /usr/bin/python3 bench/pillow_thumbnail.py "$PHOTOS" "$WARMUP" "$ROUNDS" | tee -a "$results" >&2
mapfile -t MALLOC_ENV < <(bench_malloc_env)
echo "engines run with the image's malloc settings: ${MALLOC_ENV[*]}" >&2
for engine in $ENGINES; do
  env "${MALLOC_ENV[@]}" taskset -c "$CORE" "$JAVA" -Xmx1g -XX:ActiveProcessorCount=1 --enable-native-access=ALL-UNNAMED \
    -cp "$CLASSPATH_BENCH" dev.imageworker.bench.RenderBenchmark "$engine" "$PHOTOS" "$WARMUP" "$ROUNDS" \
    | grep '^RESULT' | tee -a "$results" >&2
done

awk '
  function field(name,   i, kv) {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
  }
  { engine[NR] = $2; median[NR] = field("median_ms"); mp[NR] = field("ms_per_mp")
    ips[NR] = field("images_per_s"); rss[NR] = field("rss_mib"); if ($2 == "pillow") pillow = median[NR] }
  END {
    printf "| engine | median ms/image | ms/MP | images/s per core | peak RSS MiB | vs Pillow |\n"
    printf "|---|---:|---:|---:|---:|---:|\n"
    best = ""; bestRatio = 0
    for (i = 1; i <= NR; i++) {
      ratio = pillow / median[i]
      printf "| %s | %.1f | %.2f | %.2f | %d | %.2fx |\n", engine[i], median[i], mp[i], ips[i], rss[i], ratio
      if (engine[i] != "pillow" && engine[i] != "naive" && ratio > bestRatio) { best = engine[i]; bestRatio = ratio }
    }
    printf "render-vs-pillow: %s %.2f\n", best, bestRatio
  }' "$results"
