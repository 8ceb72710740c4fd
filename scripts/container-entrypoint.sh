#!/bin/sh
# The `legate` command inside the container image (see ../Containerfile): the JVM on the installed jar.
# JAVA_TOOL_OPTIONS (set by the manifests: heap as a share of the container's memory, the serial GC) applies as
# usual; LEGATE_JAVA_OPTS adds options after the defaults below.
set -eu
# shellcheck disable=SC2086 # LEGATE_JAVA_OPTS is a list of options
exec java -XX:+ExitOnOutOfMemoryError -Xshare:auto ${LEGATE_JAVA_OPTS:-} -jar /opt/legate/legate-app.jar "$@"
