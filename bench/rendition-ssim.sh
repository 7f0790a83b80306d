#!/usr/bin/env bash
# Whether the worker's outputs of the example variant set are as good as the sharp peer's:
# both render the shared camera photos (the worker's libvips engine with the configured
# encoder defaults, bench/sharp-peer/render.js at sharp's), and every output is compared by
# SSIM with one reference per photo and size that neither made (full decode, sRGB, upright,
# Lanczos 3 straight to the size). Prints a row per output with both SSIMs and bytes; the
# last line is
#   ssim-vs-sharp: <the worker's mean SSIM> <sharp's> <outputs where the worker's is lower>
# Usage: bench/rendition-ssim.sh [photo-dir [setting=value...]]   (JAVA override); the
#   settings are worker properties without the image-worker. prefix to try instead of the
#   defaults, e.g. formats.avif.quality=60
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
PHOTOS="${1:-${PHOTOS:-photos}}"
shift || true
OUT=target/rendition-ssim
JAVA="$(bench_java)"

bench_photos "$PHOTOS"
bench_sharp_peer
CLASSPATH_BENCH="$(bench_classpath test-compile)"
rm -rf "$OUT" && mkdir -p "$OUT"
node bench/sharp-peer/render.js "$PHOTOS" "$OUT/sharp"
"$JAVA" -Xmx2g --enable-native-access=ALL-UNNAMED -cp "$CLASSPATH_BENCH" dev.imageworker.bench.RenditionSsim \
  "$PHOTOS" "$OUT/sharp" "$@"
