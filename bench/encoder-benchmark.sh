#!/usr/bin/env bash
# What each encoder setting costs and saves on the shared camera photos resized to one
# width by the worker's libvips engine: JPEG at its default quality, WebP and AVIF at each
# effort, each at the lowest quality whose mean SSIM matches JPEG's; CPU ms per output
# (one thread pinned to one core, libvips' concurrency at 1 as in the worker), bytes and
# SSIM against the unencoded resize. The configured defaults are marked; the last lines are
#   webp-vs-jpeg: bytes <ratio> cpu <ratio> ssim <difference> (q.. e..)
#   avif-vs-jpeg: bytes <ratio> cpu <ratio> ssim <difference> (q.. e..)
# Usage: bench/encoder-benchmark.sh [photo-dir]   (WIDTH, PASSES, WEBP_EFFORTS, AVIF_EFFORTS,
#   CORE, JAVA override)
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
PHOTOS="${1:-${PHOTOS:-photos}}"
WIDTH="${WIDTH:-640}"
PASSES="${PASSES:-3}"
WEBP_EFFORTS="${WEBP_EFFORTS-2,4,6}"
AVIF_EFFORTS="${AVIF_EFFORTS-0,2,4,6}"
CORE="${CORE:-0}"
JAVA="$(bench_java)"

bench_photos "$PHOTOS"
CLASSPATH_BENCH="$(bench_classpath test-compile)"
mapfile -t MALLOC_ENV < <(bench_malloc_env)

env "${MALLOC_ENV[@]}" taskset -c "$CORE" "$JAVA" -Xmx1g -XX:ActiveProcessorCount=1 --enable-native-access=ALL-UNNAMED \
  -cp "$CLASSPATH_BENCH" dev.imageworker.bench.EncoderBenchmark "$PHOTOS" "$WIDTH" "$PASSES" "$WEBP_EFFORTS" "$AVIF_EFFORTS"
