#!/usr/bin/env bash
# Shared by bench/run.sh and bench/serve.sh (sourced, not run).
#
# prepare_source: decides what is measured and writes "$WORK/source.log".
#   in:  ROOT (repository), WORK (work directory), AT (a commit, or empty), FROZEN (1 to copy the working tree),
#        JAVA, and a log function
#   out: SRC (the tree to build and run: ROOT itself, or a clean export / copy under WORK), GOAL (package: never
#        install, which would put this tree's SNAPSHOTs into the local Maven repository other builds read)
# Read-only git commands only.
prepare_source() {
  SRC=$ROOT
  GOAL=package
  if [ -n "$AT" ] || [ "$FROZEN" = 1 ]; then
    SRC=$WORK/src
    GOAL=package
    rm -rf -- "$SRC"
    mkdir -p "$SRC"
    if [ -n "$AT" ]; then
      log "exporting $AT (git archive) to $SRC"
      git -C "$ROOT" archive --format=tar "$AT" | tar -x -C "$SRC"
    else
      log "copying the working tree to $SRC"
      tar -C "$ROOT" --exclude=./.git --exclude='./*/target' --exclude=./.legate -cf - . | tar -x -C "$SRC"
    fi
    rm -rf -- "$SRC/legate-bench" "$SRC/bench"
    tar -C "$ROOT" --exclude=./legate-bench/target -cf - ./legate-bench ./bench | tar -x -C "$SRC"
  fi
  {
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') ($(git -C "$ROOT" log -1 --format=%s 2>/dev/null | cut -c1-80 || true))"
    if [ -n "$AT" ]; then
      echo "measured: commit $(git -C "$ROOT" rev-parse --short "$AT") (clean export) + this tree's legate-bench/ and bench/"
    else
      dirty=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -v -E ' (legate-bench|bench)/' | awk '{print $2}' | tr '\n' ' ' || true)
      what="the working tree"
      if [ "$FROZEN" = 1 ]; then what="a copy of the working tree taken at $(date +%H:%M:%S)"; fi
      echo "measured: $what${dirty:+; uncommitted changes in: $dirty}"
    fi
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), $("$JAVA" -version 2>&1 | head -n 1)"
  } >"$WORK/source.log"
}

# build_bench MODULES SCRIPT: builds MODULES (e.g. legate-bench or legate-app,legate-bench) in SRC with retries (someone
# may be mid-edit; with FROZEN=1 the copy is refreshed between attempts), then sets CP and JVM_OPTS for running
# legate-bench's classes. Exits when the build keeps failing.
build_bench() {
  local modules=$1 script=$2 attempt
  log "building $modules (./mvnw -pl $modules -am $GOAL -DskipTests) in $SRC"
  for attempt in 1 2 3 4 5; do
    if ./mvnw -B -q -pl "$modules" -am "$GOAL" -DskipTests >"$WORK/build.log" 2>&1; then
      # The api jar goes first: it and pgv-java-stub both hold io.envoyproxy.pgv.validate.Validate, and the
      # pgv-java-stub copy does not verify against protobuf-java 3.25 (VerifyError: bad return type in
      # Validate$FieldRules.internalGetFieldAccessorTable). A bare lib/* puts the jars in directory order.
      API_JAR=$(ls "$SRC"/legate-bench/target/lib/api-*.jar | head -n 1)
      CP="$SRC/legate-bench/target/legate-bench.jar:$API_JAR:$SRC/legate-bench/target/lib/*"
      JVM_OPTS=(--sun-misc-unsafe-memory-access=allow)
      if ! "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then JVM_OPTS=(); fi
      return 0
    fi
    echo "build attempt $attempt failed (someone may be mid-edit); last lines:" >&2
    grep -E 'ERROR|error:' "$WORK/build.log" | head -n 5 >&2 || tail -n 5 "$WORK/build.log" >&2
    if [ "$FROZEN" = 1 ]; then
      # Take a fresh copy: the edit that broke it may be finished by now.
      tar -C "$ROOT" --exclude=./.git --exclude='./*/target' --exclude=./.legate --exclude=./legate-bench \
        --exclude=./bench -cf - . | tar -x -C "$SRC"
    fi
    sleep 30
  done
  echo "$script: the build keeps failing; see $WORK/build.log" >&2
  KEEP=1
  exit 1
}
