#!/usr/bin/env bash
# bench/kube.sh: `legate serve` watching Kubernetes (fabric8's mock API server in CRUD mode), as a whole process.
#
#   bench/kube.sh [--quick] [--keep] [--work DIR] [-- extra KubernetesServeBenchmark options]
#
# Builds legate-app and legate-bench (package; nothing is installed), makes sure ./legate is up to date, then runs
# dev.legate.bench.KubernetesServeBenchmark twice: with serve's default holdoff (100ms / 1s) and with none
# (--holdoff 0ms --max-delay 0ms). Each run: 5,000 Mappings created through the API (time from the last create to
# all of them at an xDS client), 30 single-Mapping updates (update to new routes at the client), then 10,000
# Mappings, 1,000 Services and 10,000 endpoint addresses (RSS of the serve process). --quick: 500 / 1,000 / 100,
# 10 updates (a smoke test, not a measurement). The machine may be shared: the figures are noisy.
set -euo pipefail

ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
KEEP=0
WORK=
QUICK=()
EXTRA=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=(--bulk 500 --total 1000 --services 100 --updates 10); shift ;;
    --keep) KEEP=1; shift ;;
    --work) WORK=$2; KEEP=1; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/kube.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$WORK" ]; then WORK=$(mktemp -d "${TMPDIR:-/tmp}/legate-kube-bench.XXXXXX"); fi
mkdir -p "$WORK"
. "$ROOT/scripts/find-jdk.sh" || exit 1
JAVA=$JAVA_HOME/bin/java

echo "building legate-app and legate-bench (package)" >&2
./mvnw -B -q -pl legate-app,legate-bench -am package -DskipTests >"$WORK/build.log" 2>&1 || {
  tail -n 30 "$WORK/build.log" >&2; exit 1; }
./legate --version >/dev/null
API_JAR=$(ls legate-bench/target/lib/api-*.jar | head -n 1)
CP="legate-bench/target/legate-bench.jar:$API_JAR:legate-bench/target/lib/*"

status=0
for mode in default none; do
  if [ $mode = default ]; then H=(--holdoff 100ms --max-delay 1s); else H=(--holdoff 0ms --max-delay 0ms); fi
  echo "=== holdoff: $mode" >&2
  "$JAVA" --sun-misc-unsafe-memory-access=allow -cp "$CP" dev.legate.bench.KubernetesServeBenchmark \
    --work "$WORK/$mode" --legate ./legate "${H[@]}" "${QUICK[@]}" "${EXTRA[@]}" | tee "$WORK/$mode.out" || status=1
done
if [ "$KEEP" = 0 ]; then rm -rf -- "$WORK"; else echo "work directory kept: $WORK" >&2; fi
exit $status
