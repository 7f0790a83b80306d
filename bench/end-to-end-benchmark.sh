#!/usr/bin/env bash
# Uploads the shared camera photos to a local AWS (moto_server) and measures how fast each
# contestant brings every upload to COMPLETED: the packaged worker (one run per engine)
# and a plain boto3 + Pillow worker with two threads (bench/peer_worker.py). Everything
# shares the machine's cores. The last line is
#   end-to-end-vs-peer: <fastest engine's images/s / peer's images/s>
# Usage: bench/end-to-end-benchmark.sh [photo-dir]   (ROUNDS, WARMUP, CONTESTANTS, JAVA override)
set -euo pipefail

cd "$(dirname "$0")/.."
PHOTOS="${1:-${PHOTOS:-/work/photos}}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-1}"
CONTESTANTS="${CONTESTANTS:-vips peer}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"

if ! compgen -G "$PHOTOS/*.jpg" > /dev/null; then
  /work/shared/photos/fetch-photos.sh "$PHOTOS" >&2
fi

# The peer needs Pillow and boto3 in one interpreter: the distribution's python3.
if ! /usr/bin/python3 -c 'import PIL, boto3' 2> /dev/null; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get install -y -q python3-pil python3-boto3 >&2
fi

./mvnw -q -DskipTests -DskipITs -Djacoco.skip=true package >&2
./mvnw -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
CLASSPATH_BENCH="target/test-classes:target/classes:$(cat target/bench.classpath)"

# shellcheck disable=SC2086
"$JAVA" -cp "$CLASSPATH_BENCH" dev.imageworker.bench.EndToEndBenchmark "$PHOTOS" "$ROUNDS" "$WARMUP" $CONTESTANTS
