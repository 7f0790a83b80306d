#!/usr/bin/env bash
# What bringing a backlog of the shared camera photos to COMPLETED costs each contestant,
# against a local AWS (moto_server): the packaged worker (one process per engine or setting
# tried), a plain boto3 + Pillow worker with two threads (bench/peer_worker.py) and the
# same peer making the worker's other requests (peer-full). Each contestant is stopped
# (SIGSTOP) while its batch is uploaded and continued (SIGCONT) to work it off; its CPU and
# the local AWS's are read from /proc around that. For the responsive example set
# (vips,set=example, eleven outputs) the yardstick is a Node + sharp worker rendering the
# same outputs at sharp's defaults (bench/sharp-peer: sharp, sharp-full). After WARMUP
# images in batches of BATCH (the CPU per image of each batch shows where it flattens),
# ROUNDS measured batches of MEASURED images alternate between the contestants, compared
# by their medians. The last lines are
#   worker-cpu-vs-peer: <the peer's median CPU ms per image / the leanest worker's>
#   end-to-end-vs-peer: <the fastest worker's median images/s / the peer's>
# and, when sharp ran with a worker rendering the example set,
#   worker-cpu-vs-sharp: <that worker's median CPU ms per image / sharp's>
#   bytes-vs-sharp: <that worker's output bytes per image / sharp's>
# The worker runs as the image runs it: the image's layout and AOT cache built here by the
# Dockerfile's steps, its ENTRYPOINT, its malloc settings, and the memory of
# ecs-task-def.json as MaxRAM (MEMORY overrides it, e.g. 512m).
# See bench/README.md.
# Usage: bench/end-to-end-benchmark.sh [photo-dir]   (WARMUP, BATCH, MEASURED, ROUNDS,
#   CONTESTANTS, MEMORY, JAVA override; LOCAL_AWS_MOTO_COMMAND=bench/moto-cpu/moto-cpu-server
#   also counts moto's CPU by request kind)
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
PHOTOS="${1:-${PHOTOS:-photos}}"
WARMUP="${WARMUP:-1035}"
BATCH="${BATCH:-115}"
MEASURED="${MEASURED:-230}"
ROUNDS="${ROUNDS:-3}"
CONTESTANTS="${CONTESTANTS:-vips java,share=0.2 peer peer-full}"
JAVA="$(bench_java)"

bench_photos "$PHOTOS"
# The peer needs Pillow and boto3 in one interpreter: the distribution's python3.
bench_python "PIL, boto3" python3-pil python3-boto3
CLASSPATH_BENCH="$(bench_classpath package)"
case " $CONTESTANTS " in
  *" sharp"*) bench_sharp_peer ;;
esac

# shellcheck disable=SC2086
"$JAVA" ${MEMORY:+-Dbench.memory="$MEMORY"} -cp "$CLASSPATH_BENCH" dev.imageworker.bench.EndToEndBenchmark \
  "$PHOTOS" "$WARMUP" "$MEASURED" "$ROUNDS" "$BATCH" $CONTESTANTS
