#!/usr/bin/env bash
# Uploads the shared camera photos to a local AWS (moto_server) and measures how fast each
# contestant brings every upload to COMPLETED: the packaged worker (one run per engine)
# and a plain boto3 + Pillow worker with two threads (bench/peer_worker.py; as peer-full it
# also makes the worker's claim, conditional completion, SNS event and mark). Everything
# shares the machine's cores. A contestant named again runs again (alternating runs are
# compared by their medians). The last line is
#   end-to-end-vs-peer: <fastest engine's median images/s / peer's median images/s>
# after end-to-end-vs-peer-full: <the same over peer-full's> when peer-full ran. The worker
# runs as the image runs it: java @src/main/jvm/jvm.args, the image's malloc settings, a
# 512 MiB MaxRAM. See bench/README.md.
# Usage: bench/end-to-end-benchmark.sh [photo-dir]   (ROUNDS, WARMUP, CONTESTANTS, JAVA override;
#   LOCAL_AWS_MOTO_COMMAND=bench/moto-cpu/moto-cpu-server also counts moto's CPU by request kind)
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
PHOTOS="${1:-${PHOTOS:-photos}}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-3}"
CONTESTANTS="${CONTESTANTS:-vips peer}"
JAVA="$(bench_java)"

bench_photos "$PHOTOS"
# The peer needs Pillow and boto3 in one interpreter: the distribution's python3.
bench_python "PIL, boto3" python3-pil python3-boto3
CLASSPATH_BENCH="$(bench_classpath package)"

# shellcheck disable=SC2086
"$JAVA" -cp "$CLASSPATH_BENCH" dev.imageworker.bench.EndToEndBenchmark "$PHOTOS" "$ROUNDS" "$WARMUP" $CONTESTANTS
