#!/usr/bin/env bash
# bench/serve.sh: `legate serve` as a whole process against the targets of the project's issue 3.
#
#   bench/serve.sh [--only LIST] [--quick] [--jfr] [--frozen | --at REV] [--wait-quiet SECONDS]
#                  [--fanout-clients N] [--client-window envoy|grpc-default|BYTES] [--keep] [--work DIR]
#
# What is measured: by default the working tree as it is; with --frozen a copy of it taken now, with --at REV a
# clean export of commit REV (both built with `package` in the copy and run from it, immune to edits made
# meanwhile; this tree's legate-bench/ and bench/ are used). Read-only git commands only.
#
# 1. builds legate-app and legate-bench (./mvnw -pl legate-app,legate-bench -am; retried: someone's half-written
#    code may break the build for a moment), then runs `./legate --version` once so the launcher finds its jar up
#    to date and does not rebuild inside a timed start;
# 2. generates two configurations with dev.legate.bench.ConfigGenerator: 1,000 Mappings over 50 Services and
#    10,000 over 500 (2 Listeners, 3 Hosts);
# 3. one untimed `legate serve` run (lets the launcher make serve's start-up cache if there is none);
# 4. runs dev.legate.bench.ServeBenchmark once per scenario: each starts `./legate serve --no-envoy` on a fresh copy
#    of a configuration, on free ports, measures start-up, connects raw ADS clients (legate-xds's AdsTestClient),
#    edits one Mapping at a time (in place; a unique prefix segment), and times each edit from the closed write to
#    the client receiving the new route version; then RSS; see ServeBenchmark's javadoc. Scenarios:
#      1k-fast     1,000 Mappings, --holdoff 10ms --max-delay 50ms, 1 client, 5 warm-up + 30 edits
#      1k-default  1,000 Mappings, serve's defaults (100ms / 1s),    1 client, 5 warm-up + 30 edits
#      1k-fanout   1,000 Mappings, 10ms / 50ms, 100 clients,                   3 warm-up + 20 edits
#      10k-fast    10,000 Mappings, 10ms / 50ms, 1 client,                     3 warm-up + 20 edits
#      10k-default 10,000 Mappings, defaults, 1 client,                        3 warm-up + 20 edits
#      1k-start    1,000 Mappings, start-up only, 3 runs (start-up figures also come from every 1k scenario)
#    Before each scenario it waits (up to --wait-quiet seconds, default 300) for the machine to be quiet: less than
#    15% of its CPU busy over 3 s. Whatever the load was, the summary reports it: the share of the machine's CPU
#    used by the serve process, by the benchmark, and by everything else while the edits ran.
# 5. prints a table against the targets: edit to client p50 <= 50 ms at 1k and <= 150 ms at 10k, not counting the
#    holdoff; 100 clients all updated within 500 ms at 1k; start to first snapshot <= 2 s at 1k; RSS <= 512 MB while
#    serving 10k.
#
# Options:
#   --only LIST    comma-separated scenarios (e.g. 1k-fast,10k-fast)
#   --quick        fewer edits (5 + 2 warm-up; fan-out with 20 clients): a smoke test, not a measurement
#   --jfr          also run 1k-fast and 10k-fast once more with JFR on the serve process (JFR slows start-up and
#                  edits: these runs are not in the table) and summarize them with bench/jfr-summary.py
#   --wait-quiet S wait at most S seconds per scenario for a quiet machine (0: do not wait)
#   --fanout-clients N   clients in 1k-fanout (default 100)
#   --client-window W    the clients' HTTP/2 flow-control window (stream and connection): envoy (the default: Envoy's
#                  own default on the gRPC cluster it reaches its management server through, 256 MiB, fixed),
#                  grpc-default (grpc-java's 1 MiB, grown by bandwidth probes: the benchmark's window before
#                  2026-11-22; a 21 MB route response then waits on window updates that Envoy never asks for), or a
#                  number of bytes. With --at a revision whose test client predates this option, the clients get
#                  grpc-default whatever is asked (NAME.json says which: client_window_bytes, 0 for grpc-default):
#                  compare such a run with --client-window grpc-default
#   --keep         keep the work directory (printed at the end); --work DIR: use DIR (implies --keep)
#
# Results land in the work directory: NAME.json (ServeBenchmark's RESULT), NAME.out (its output), NAME/serve.log
# (the serve process's log), NAME.gc.log (its collections, counted in the summary), NAME.jfr and NAME.jfr.txt with
# --jfr. The serve process runs with the launcher's own JVM settings (those of `legate serve`: see ../legate).
set -euo pipefail

ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
ONLY=
QUICK=0
DO_JFR=0
KEEP=0
WORK=
AT=
FROZEN=0
WAIT_QUIET=300
FANOUT=100
CLIENT_WINDOW=envoy

while [ $# -gt 0 ]; do
  case $1 in
    --only) ONLY=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --jfr) DO_JFR=1; shift ;;
    --keep) KEEP=1; shift ;;
    --work) WORK=$2; KEEP=1; shift 2 ;;
    --at) AT=$2; shift 2 ;;
    --frozen) FROZEN=1; shift ;;
    --wait-quiet) WAIT_QUIET=$2; shift 2 ;;
    --fanout-clients) FANOUT=$2; shift 2 ;;
    --client-window) CLIENT_WINDOW=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/serve.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$WORK" ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/legate-serve-bench.XXXXXX")
fi
mkdir -p "$WORK"
WORK=$(cd -P -- "$WORK" && pwd)
cleanup() {
  if [ "$KEEP" = 0 ]; then rm -rf -- "$WORK"; else echo "work directory kept: $WORK" >&2; fi
}
trap cleanup EXIT

log() { printf '\n=== %s\n' "$*" >&2; }

cd "$ROOT"
# shellcheck source=../scripts/find-jdk.sh
. "$ROOT/scripts/find-jdk.sh" || exit 1
JAVA=$JAVA_HOME/bin/java

# ---------------------------------------------------------------- 0. what to measure
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
prepare_source
cat "$WORK/source.log" >&2
cd "$SRC"

# ---------------------------------------------------------------- 1. build
build_bench legate-app,legate-bench bench/serve.sh
# The benchmark process shares the two cores with the serve process: keep it light (C1 only, one GC thread).
# A young generation large enough for one edit's responses to all clients (100 x 1.7 MB at 1k), collected between
# edits (ServeBenchmark calls System.gc() while it waits for the serve process to go idle).
BENCH_JVM=("${JVM_OPTS[@]}" -XX:TieredStopAtLevel=1 -XX:+UseParallelGC -XX:ParallelGCThreads=1
  -XX:-UseAdaptiveSizePolicy -Xms2g -Xmx3g -Xmn1g -Xlog:disable -Xlog:all=warning:stderr)

# ---------------------------------------------------------------- 2. configurations
for size in 1000:50 10000:500; do
  n=${size%%:*}
  log "generating $n Mappings over ${size##*:} Services"
  rm -rf -- "$WORK/config-$n"
  "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" dev.legate.bench.ConfigGenerator --mappings "$n" --services "${size##*:}" \
    --out "$WORK/config-$n" | head -n 1 >&2
done

# ---------------------------------------------------------------- 3. + 4. scenarios
# Machine-wide CPU busy share (percent) over $1 seconds, from /proc/stat.
busy_pct() {
  local a b
  a=$(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  sleep "$1"
  b=$(awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  echo "$a $b" | awk '{t = $3 - $1; i = $4 - $2; if (t > 0) printf "%.0f", 100 * (t - i) / t; else print 0}'
}

wait_quiet() {
  local waited=0 pct
  pct=$(busy_pct 3)
  while [ "$pct" -ge 15 ] && [ "$waited" -lt "$WAIT_QUIET" ]; do
    echo "machine busy (${pct}% of the CPU over 3 s; load average $(cut -d' ' -f1-3 /proc/loadavg)); waiting..." >&2
    sleep 12
    waited=$((waited + 15))
    pct=$(busy_pct 3)
  done
  echo "$pct"
}

# bench NAME CONFIG [ServeBenchmark options...]
bench() {
  local name=$1 config=$2
  shift 2
  local pct
  pct=$(wait_quiet)
  log "$name (machine ${pct}% busy just before; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "$pct" >"$WORK/$name.busy-before"
  # The serve process logs its collections (one line per pause) for the summary: -Xlog does not change the heap.
  if "$JAVA" "${BENCH_JVM[@]}" -cp "$CP" dev.legate.bench.ServeBenchmark --legate "$SRC/legate" \
      --config "$config" --work "$WORK/runs" --name "$name" --result "$WORK/$name.json" \
      --java-opts "-Xlog:gc:file=$WORK/$name.gc.log" --client-window "$CLIENT_WINDOW" "$@" \
      >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    sed -n '/^== /,/^RESULT /p' "$WORK/$name.out" | grep -v '^RESULT ' >&2
  else
    echo "$name FAILED; last lines:" >&2
    tail -n 40 "$WORK/$name.err" >&2
    tail -n 5 "$WORK/$name.out" >&2
  fi
  grep -E '^\[' "$WORK/$name.err" >"$WORK/$name.edits" || true
}

wanted() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

FAST=(--holdoff 10ms --max-delay 50ms)
if [ "$QUICK" = 1 ]; then
  E1K=(--edits 5 --warmup 2); E10K=(--edits 5 --warmup 2); EFAN=(--edits 5 --warmup 2); FANOUT=20
else
  E1K=(--edits 30 --warmup 5); E10K=(--edits 20 --warmup 3); EFAN=(--edits 20 --warmup 3)
fi
C1K=$WORK/config-1000
C10K=$WORK/config-10000

# The launcher rebuilds when any */src/main is newer than its jar (legate-bench's included); before the first serve
# after a build it makes serve's start-up cache (JDK 25+: the ahead-of-time cache legate-app/target/legate-serve.aot,
# by a training run; otherwise the JVM writes the class-data-sharing archive legate-serve.jsa when a serve run ends).
# So: one untimed serve run first, so that no timed start includes a build or a training run, and, in a copy
# (--frozen, --at), with the cache made then. (In the working tree the cache is left alone.)
JSA=$SRC/legate-app/target/legate-serve.jsa
AOT=$SRC/legate-app/target/legate-serve.aot
if [ "$SRC" != "$ROOT" ]; then rm -f -- "$JSA" "$JSA.key" "$AOT" "$AOT.key" "$AOT.failed"; fi
log "priming: one untimed serve run (builds the app if the launcher finds it stale; makes the start-up cache if missing)"
"$JAVA" "${BENCH_JVM[@]}" -cp "$CP" dev.legate.bench.ServeBenchmark --legate "$SRC/legate" --config "$C1K" \
  --work "$WORK/runs" --name prime --edits 0 --warmup 0 --start-timeout 15m >"$WORK/prime.out" 2>"$WORK/prime.err" \
  || { echo "the priming run failed:" >&2; tail -n 30 "$WORK/prime.err" >&2; exit 1; }
if [ -f "$AOT" ]; then
  echo "launcher's start-up cache: AOT cache, $(du -k "$AOT" | cut -f1) kB, written $(date -r "$AOT" +%H:%M:%S)" \
    >>"$WORK/source.log"
elif [ -f "$JSA" ]; then
  echo "launcher's start-up cache: CDS archive, $(du -k "$JSA" | cut -f1) kB, written $(date -r "$JSA" +%H:%M:%S)" \
    >>"$WORK/source.log"
else
  echo "launcher's start-up cache: none" >>"$WORK/source.log"
fi

if wanted 1k-fast; then bench 1k-fast "$C1K" "${FAST[@]}" "${E1K[@]}"; fi
if wanted 1k-default; then bench 1k-default "$C1K" "${E1K[@]}"; fi
if wanted 1k-fanout; then bench 1k-fanout "$C1K" "${FAST[@]}" "${EFAN[@]}" --clients "$FANOUT"; fi
if wanted 10k-fast; then bench 10k-fast "$C10K" "${FAST[@]}" "${E10K[@]}"; fi
if wanted 10k-default; then bench 10k-default "$C10K" "${E10K[@]}"; fi
if wanted 1k-start; then
  for i in 1 2 3; do bench "1k-start-$i" "$C1K" --edits 0 --warmup 0; done
fi

if [ "$DO_JFR" = 1 ]; then
  for spec in 1k-fast:"$C1K" 10k-fast:"$C10K"; do
    name=${spec%%:*}-jfr
    if [ "$QUICK" = 1 ]; then e=(--edits 5 --warmup 2); else e=(--edits 20 --warmup 3); fi
    bench "$name" "${spec#*:}" "${FAST[@]}" "${e[@]}" --jfr "$WORK/$name.jfr"
    if [ -f "$WORK/$name.jfr" ]; then
      log "where $name's serve process spends its time (bench/jfr-summary.py)"
      python3 "$ROOT/bench/jfr-summary.py" "$WORK/$name.jfr" --top 20 \
        --stage 'serve: reconfiguration' >"$WORK/$name.jfr.txt" 2>&1 || true
      head -n 60 "$WORK/$name.jfr.txt" >&2
    fi
  done
fi

# ---------------------------------------------------------------- 5. summary
log "summary"
cat "$WORK/source.log"
echo
WORK=$WORK python3 - <<'EOF'
import glob, json, os, statistics

work = os.environ["WORK"]
res = {}
for p in sorted(glob.glob(os.path.join(work, "*.json"))):
    try:
        r = json.load(open(p))
    except ValueError:
        continue
    res[os.path.basename(p)[:-5]] = r

def st(d, k="p50"):
    return d.get(k) if isinstance(d, dict) else None

def f(v, unit=" ms"):
    return "-" if v is None else f"{v:.0f}{unit}"

notes = []
print(f"{'scenario':<22} {'Mappings':>8} {'clients':>7} {'holdoff':>8}  {'edit->client p50 / p90 / max':>30}  "
      f"{'minus holdoff p50 / p90 / max':>30}  {'all clients p50 / max':>22}  {'server compile p50':>18}  "
      f"{'first LDS':>9} {'ready':>7}  {'RSS steady / peak':>18}  {'load: serve / bench / others':>28}")
for name, r in res.items():
    s = r.get("summary", {})
    lat, mh = s.get("latency", {}), s.get("latency_minus_holdoff", {})
    allc = s.get("all_clients", {})
    start = r.get("start", {}) or {}
    load = r.get("load") or start.get("load") or {}
    if not r.get("load") and load:
        name += " (at start)"
    if name.endswith("-jfr"):
        name += " (JFR)"
    sizes = [e.get("route_response_bytes") for e in r.get("edits", []) if e.get("route_response_bytes")]
    if sizes:
        notes.append(f"{name}: route response {max(sizes) / 1e6:.1f} MB per client per edit")
    print(f"{name:<22} {r.get('mappings', 0):>8} {r.get('clients', 0):>7} {r.get('holdoff_ms', 0):>6.0f}ms  "
          f"{(f(st(lat)) + ' / ' + f(st(lat, 'p90')) + ' / ' + f(st(lat, 'max'))) if lat else '-':>30}  "
          f"{(f(st(mh)) + ' / ' + f(st(mh, 'p90')) + ' / ' + f(st(mh, 'max'))) if mh else '-':>30}  "
          f"{(f(st(allc)) + ' / ' + f(st(allc, 'max'))) if allc else '-':>22}  "
          f"{f(st(s.get('server_compile', {}))):>18}  "
          f"{f(start.get('first_lds_ms')):>9} {f(start.get('check_ready_200_ms')):>7}  "
          f"{(f(r.get('rss_steady_mb'), '') + ' / ' + f(r.get('rss_peak_hwm_mb'), '') + ' MB'):>18}  "
          f"{(str(load.get('serve_pct', '-')) + '% / ' + str(load.get('benchmark_pct', '-')) + '% / ' + str(load.get('others_pct', '-')) + '%') if load.get('serve_pct') is not None else '-':>28}"
          + ("" if r.get("ok") else "  FAILED: " + str(r.get("error", "?"))))

print()
# Garbage collection in the serve process over the whole run (start-up included), from its -Xlog:gc file.
import re
gcs = []
for name, r in res.items():
    path = os.path.join(work, name + ".gc.log")
    if not os.path.exists(path):
        continue
    young = full = 0
    young_ms = full_ms = 0.0
    for line in open(path, errors="replace"):
        m = re.search(r"Pause (Young|Full).* ([0-9.]+)ms$", line.strip())
        if not m:
            continue
        if m.group(1) == "Young":
            young += 1; young_ms += float(m.group(2))
        else:
            full += 1; full_ms += float(m.group(2))
    edits = len(r.get("edits", []))
    gcs.append(f"{name}: young {young} ({young_ms:.0f} ms), full {full} ({full_ms:.0f} ms) over start-up and "
               f"{edits} edits")
if gcs:
    print("serve process's collections (whole run; the last edits' share is in the gc log):")
    for g in gcs:
        print("  " + g)
    print()
print("load: share of the whole machine's CPU (all cores) while the edits ran (for start-only runs: from the start")
print("until the first configuration was acknowledged), used by the serve process, by the benchmark process (its")
print("1..100 clients), and by everything else (other people's work on the machine).")
for n in notes:
    print(n)
print()

def verdict(ok):
    return "-" if ok is None else ("ok" if ok else "MISSED")

targets = []
def p50mh(name):
    r = res.get(name)
    return st(r.get("summary", {}).get("latency_minus_holdoff")) if r and r.get("ok") else None
def p50(name, key="latency"):
    r = res.get(name)
    return st(r.get("summary", {}).get(key)) if r and r.get("ok") else None
for n, limit in (("1k-fast", 50), ("1k-default", 50), ("10k-fast", 150), ("10k-default", 150)):
    v = p50mh(n)
    if n in res:
        targets.append((f"edit -> client, p50 without holdoff, {n}",
                        f"{f(v)} (with holdoff {f(p50(n))}; last 10 edits, with holdoff: {f(p50(n, 'latency_last10'))})",
                        f"<= {limit} ms", verdict(None if v is None else v <= limit)))
r = res.get("1k-fanout")
if r:
    a = r.get("summary", {}).get("all_clients", {})
    am = r.get("summary", {}).get("all_clients_minus_holdoff", {})
    ok = st(a, "max")
    fc = r.get("summary", {}).get("first_client", {})
    targets.append((f"{r.get('clients')} clients all updated, 1k (per edit: p50 / p90 / max)",
                    f"{f(st(a))} / {f(st(a, 'p90'))} / {f(st(a, 'max'))} (without holdoff: {f(st(am))} / "
                    f"{f(st(am, 'max'))}; first client p50 {f(st(fc))})", "<= 500 ms",
                    verdict(None if ok is None else ok <= 500)))
starts = [(n, r["start"]) for n, r in res.items() if r.get("mappings") == 1000 and r.get("start")
          and not n.endswith("-jfr")]
if starts:
    lds = sorted(s["first_lds_ms"] for _, s in starts)
    ready = sorted(s["check_ready_200_ms"] for _, s in starts)
    med = lambda v: statistics.median(v)
    targets.append((f"start -> first listener version at the client, 1k ({len(lds)} runs)",
                    f"median {f(med(lds))} (" + ", ".join(f(x, '') for x in lds) + " ms)", "<= 2000 ms",
                    verdict(med(lds) <= 2000)))
    targets.append((f"start -> check_ready 200, 1k ({len(ready)} runs)",
                    f"median {f(med(ready))} (" + ", ".join(f(x, '') for x in ready) + " ms)", "<= 2000 ms",
                    verdict(med(ready) <= 2000)))
starts10 = [r["start"] for n, r in res.items() if r.get("mappings") == 10000 and r.get("start")
            and not n.endswith("-jfr")]
if starts10:
    targets.append(("start -> first listener version / check_ready, 10k (for information)",
                    ", ".join(f"{f(s['first_lds_ms'])} / {f(s['check_ready_200_ms'])}" for s in starts10), "", ""))
for n in ("10k-fast", "10k-default"):
    r = res.get(n)
    if r and r.get("rss_peak_hwm_mb"):
        targets.append((f"RSS serving 10k ({n}): steady (VmRSS after the edits) / peak (VmHWM)",
                        f"{r['rss_steady_mb']:.0f} / {r['rss_peak_hwm_mb']:.0f} MB", "<= 512 MB",
                        verdict(max(r['rss_steady_mb'], r['rss_peak_hwm_mb']) <= 512)))
if targets:
    w1 = max(len(t[0]) for t in targets)
    w2 = max(len(t[1]) for t in targets)
    print(f"{'target':<{w1}}  {'measured':<{w2}}  {'goal':<10}  verdict")
    print(f"{'-' * w1}  {'-' * w2}  {'-' * 10}  -------")
    for a, b, c, d in targets:
        print(f"{a:<{w1}}  {b:<{w2}}  {c:<10}  {d}")
EOF
