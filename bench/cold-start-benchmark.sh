#!/usr/bin/env bash
# A cold start, as after a scale from zero: the worker process started on a queue that
# already holds the event of a real camera photo, against a local AWS (moto_server), timed
# from the process's start to ready (/readyz answering 200) and to the photo's item
# COMPLETED (its updatedAt), with the process's CPU until then. Contestants: today (the
# image before its AOT cache: extracted with --launcher, JarLauncher), aot (the image's
# layout and AOT cache, built here by the Dockerfile's own steps, started as its
# ENTRYPOINT starts it); also jar (the packaged jar with -jar), extracted (the image's
# layout without the cache) and aot-images (a cache trained by working off TRAIN photos).
# Every start gets fresh resources; the contestants take turns in each of ROUNDS rounds
# and are compared by their medians. The last line is
#   cold-start-vs-today: <today's median time to COMPLETED / aot's>
# The worker runs as the image runs it: the image's jvm.args and malloc settings, and the
# memory of ecs-task-def.json as MaxRAM (MEMORY overrides it, e.g. 512m); CPUS=0 pins it to
# one core, as the task definition's one vCPU (taskset -c). See bench/README.md.
# Usage: bench/cold-start-benchmark.sh [photo-dir]   (ROUNDS, IMAGES, TRAIN, CONTESTANTS,
#   MEMORY, CPUS, JAVA override)
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
PHOTOS="${1:-${PHOTOS:-photos}}"
ROUNDS="${ROUNDS:-5}"
IMAGES="${IMAGES:-1}"
TRAIN="${TRAIN:-23}"
CONTESTANTS="${CONTESTANTS:-today aot}"
JAVA="$(bench_java)"

bench_photos "$PHOTOS"
CLASSPATH_BENCH="$(bench_classpath package)"

# shellcheck disable=SC2086
"$JAVA" ${MEMORY:+-Dbench.memory="$MEMORY"} ${CPUS:+-Ddrill.cpus="$CPUS"} -cp "$CLASSPATH_BENCH" dev.imageworker.bench.ColdStartBenchmark \
  "$PHOTOS" "$ROUNDS" "$IMAGES" "$TRAIN" $CONTESTANTS
