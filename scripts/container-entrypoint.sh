#!/bin/sh
# The `legate` command inside the container image (see ../Containerfile): the JVM on the installed jar.
# JAVA_TOOL_OPTIONS (set by the manifests: heap as a share of the container's memory, the serial GC) applies as
# usual; LEGATE_JAVA_OPTS adds options after the defaults below.
#
# `serve` runs for days, and its memory is what the Pod's limit must cover. Besides the heap (JAVA_TOOL_OPTIONS),
# these keep the rest small and give memory back: a heap that starts at 128 MB, grows as the configuration needs and
# shrinks after a full collection; a young generation of at most 48 MB (the rest of the heap is for what survives;
# at 10,000 Mappings a larger one cost resident memory without saving full collections); identical strings sharing
# their bytes; compact object headers (JDK 25, the image's runtime); the native heap trimmed every 5 s; two malloc
# arenas instead of glibc's 8 per core.
# LEGATE_SERVE_JVM_OPTS, when set (even to ""), replaces them. None of them chooses a collector, so they combine with
# whatever JAVA_TOOL_OPTIONS chooses.
set -eu
serve_opts=
if [ "${1-}" = "serve" ]; then
  serve_opts=${LEGATE_SERVE_JVM_OPTS--Xms128m -XX:MaxNewSize=48m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=40 -XX:+UseStringDeduplication -XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=5000}
  if [ -z "${LEGATE_SERVE_JVM_OPTS+set}" ]; then
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
  fi
fi
# shellcheck disable=SC2086 # the options are lists of options
exec java -XX:+ExitOnOutOfMemoryError -Xshare:auto $serve_opts ${LEGATE_JAVA_OPTS:-} -jar /opt/legate/legate-app.jar "$@"
