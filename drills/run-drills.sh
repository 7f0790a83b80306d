#!/usr/bin/env bash
# Runs the long drills against the packaged jar and a local moto_server, and prints their
# figures (also collected in target/drills/figures.md; worker logs next to it):
#   crash   200 uploads, kill -9 three times at random moments, restarted each time
#   sigterm 100 uploads, SIGTERM mid-run, a successor finishes the rest
#   outage  200 uploads, the AWS endpoint gone for 60 s
#   burst   1,000 small and large uploads, peak RSS against a 512 MiB container
#   partial S3 503 for 5 minutes, then DynamoDB throttling for 5 minutes, 200 uploads each
# Usage: drills/run-drills.sh [TestClass,...]   (default: all five)
set -euo pipefail
cd "$(dirname "$0")/.."
tests="${1:-CrashDrillIT,ShutdownDrillIT,OutageDrillIT,BurstDrillIT,PartialOutageDrillIT}"
rm -f target/drills/figures.md
./mvnw -q -DskipTests package
# -Pdrills: the drills are tagged out of the everyday tiers (docs/development.md#test-tiers).
./mvnw -q -Pdrills -Djacoco.skip=true -Dspring-javaformat.skip=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$tests" -Ddrill.scale=full verify
echo
echo "| drill | uploads | completed | failed as expected | wrong | lost | duplicates rendered | DLQ | wall time | other |"
echo "|---|---|---|---|---|---|---|---|---|---|"
cat target/drills/figures.md
