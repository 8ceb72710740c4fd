#!/usr/bin/env bash
# Self-test of scripts/find-jdk.sh (and of the guard it gives ./mvnw).
#
#   scripts/test-find-jdk.sh        # prints one line per check, then "N passed, N failed"
#
# Most checks are hermetic: they build fake JDK homes (a `release` file and tiny
# /bin/sh scripts as bin/java, bin/javac) in a temporary directory and point
# find-jdk.sh at them with LEGATE_JDK_SEARCH_PATHS and PATH, in a clean
# environment (env -i). A few checks use the real JDKs of this machine: they
# need a JDK 21+ installed (as ./mvnw does), and use the Debian JDK 17 when present.
set -uo pipefail

ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
FJ=$ROOT/scripts/find-jdk.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test-find-jdk.XXXXXX")
trap 'rm -rf -- "$TMP"' EXIT

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  shift
  local line
  for line in "$@"; do printf '       %s\n' "$line"; done
}

# make_jdk DIR VERSION [jdk|jre|norelease|garbage]: a fake JDK home.
make_jdk() {
  local dir=$1 version=$2 kind=${3:-jdk}
  mkdir -p "$dir/bin"
  {
    echo '#!/bin/sh'
    echo "case \"\${1-}\" in -XshowSettings:*) echo '    java.home = $dir' >&2 ;; esac"
    if [ "$kind" = garbage ]; then
      echo 'echo "this is not java" >&2; exit 3'
    else
      echo "echo 'openjdk version \"$version\" 2024-01-16' >&2"
      echo "echo 'OpenJDK Runtime Environment (fake)' >&2"
    fi
  } >"$dir/bin/java"
  chmod +x "$dir/bin/java"
  if [ "$kind" != jre ]; then
    printf '#!/bin/sh\nexit 0\n' >"$dir/bin/javac"
    chmod +x "$dir/bin/javac"
  fi
  if [ "$kind" = jdk ] || [ "$kind" = jre ]; then
    printf 'IMPLEMENTOR="Fake"\nJAVA_VERSION="%s"\nJAVA_RUNTIME_VERSION="%s+1"\n' "$version" "$version" >"$dir/release"
  fi
}

EMPTY=$TMP/empty EMPTYBIN=$TMP/empty-bin FAKEHOME=$TMP/home
mkdir -p "$EMPTY" "$EMPTYBIN" "$FAKEHOME"

# run_fj VAR=VALUE... : source find-jdk.sh in a clean environment under /bin/sh with
# `set -euf` (as ./mvnw does). Sets $out (the JAVA_HOME it exported), $err, $rc.
# Defaults: HOME=$FAKEHOME PATH=$EMPTYBIN, no JAVA_HOME, default search paths.
run_fj() {
  # shellcheck disable=SC2016 # $1 and $JAVA_HOME are for the inner shell
  out=$(env -i HOME="$FAKEHOME" PATH="$EMPTYBIN" "$@" /bin/sh -c \
    'set -euf; . "$1" || exit 1; printf %s "$JAVA_HOME"' find-jdk-test "$FJ" 2>"$TMP/err")
  rc=$?
  err=$(cat "$TMP/err")
}

expect_found() { # NAME EXPECTED_JAVA_HOME
  if [ "$rc" -eq 0 ] && [ "$out" = "$2" ] && [ -z "$err" ]; then
    ok "$1"
  else
    fail "$1" "expected JAVA_HOME=$2, quietly" "got rc=$rc JAVA_HOME=$out" "stderr: $err"
  fi
}

expect_error_with() { # NAME TEXT...
  local name=$1 missing=() t
  shift
  for t in "$@"; do
    [[ $err == *"$t"* ]] || missing+=("$t")
  done
  if [ "$rc" -ne 0 ] && [ ${#missing[@]} -eq 0 ]; then
    ok "$name"
  else
    fail "$name" "expected failure with a message containing: $*" "got rc=$rc JAVA_HOME=$out" \
      "missing: ${missing[*]-}" "stderr: $err"
  fi
}

# --- the real JDKs of this machine -------------------------------------------

java_major() { # JAVA_HOME -> major version, from `java -version`
  local v
  v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  v=${v#1.}
  echo "${v%%[!0-9]*}"
}

REAL25=/usr/lib/jvm/temurin-25-jdk-amd64
REAL17=/usr/lib/jvm/java-17-openjdk-amd64

run_fj PATH=/usr/bin:/bin
if [ "$rc" -eq 0 ] && [ -n "$out" ] && [ "$(java_major "$out")" -ge 21 ] 2>/dev/null && [ -z "$err" ] &&
  { [ ! -x "$REAL25/bin/java" ] || [ "$out" = "$REAL25" ]; }; then
  ok "real machine, JAVA_HOME unset: finds a JDK 21+ ($out)"
else
  fail "real machine, JAVA_HOME unset: finds a JDK 21+ (the JDK 25 at $REAL25 when present)" \
    "got rc=$rc JAVA_HOME=$out" "stderr: $err"
fi
REAL_FOUND=$out

if [ -x "$REAL17/bin/java" ]; then
  JDK17=$REAL17
else
  JDK17=$TMP/fake17
  make_jdk "$JDK17" 17.0.15
fi
if [ -n "$REAL_FOUND" ]; then
  run_fj PATH=/usr/bin:/bin JAVA_HOME="$JDK17"
  expect_found "real machine, JAVA_HOME=$JDK17 (Java 17): rejected quietly, moves on" "$REAL_FOUND"

  run_fj PATH=/usr/bin:/bin JAVA_HOME="$REAL_FOUND"
  expect_found "real machine, JAVA_HOME already a JDK 21+: kept" "$REAL_FOUND"
fi

# --- hermetic: fake JDKs ------------------------------------------------------

J=$TMP/jvm
make_jdk "$J/jdk-17" 17.0.9
make_jdk "$J/jdk-21.0.2" 21.0.2
make_jdk "$J/jdk-21.0.10" 21.0.10
make_jdk "$J/jre-24" 24.0.1 jre
make_jdk "$J/java-8" 1.8.0_402
mkdir -p "$J/not-a-jdk"
ln -s jdk-17 "$J/jdk-17-link"

run_fj LEGATE_JDK_SEARCH_PATHS="$J/*"
expect_found "fake JDKs: newest usable one wins (21.0.10 > 21.0.2; JRE 24 and Java 17, 8 skipped)" "$J/jdk-21.0.10"

run_fj LEGATE_JDK_SEARCH_PATHS="$J"
expect_found "a search path without a glob is a directory of JDKs" "$J/jdk-21.0.10"

run_fj LEGATE_JDK_SEARCH_PATHS="$EMPTY:$J/jdk-21.0.2"
expect_found "a search path may name a JDK home itself" "$J/jdk-21.0.2"

make_jdk "$TMP/jvm2/jdk-23-norelease" 23-ea norelease
run_fj LEGATE_JDK_SEARCH_PATHS="$J/*:$TMP/jvm2/*"
expect_found "no release file: version read from 'java -version' (23-ea)" "$TMP/jvm2/jdk-23-norelease"

make_jdk "$TMP/with space/jdk 22" 22.0.1
run_fj LEGATE_JDK_SEARCH_PATHS="$J/*:$TMP/with space/*"
expect_found "paths with spaces" "$TMP/with space/jdk 22"

run_fj LEGATE_JDK_SEARCH_PATHS="$J/*" JAVA_HOME="$J/jdk-21.0.2"
expect_found "JAVA_HOME 21+ is kept even when a newer JDK is installed" "$J/jdk-21.0.2"

run_fj LEGATE_JDK_SEARCH_PATHS="$J/*" JAVA_HOME="$J/jdk-17"
expect_found "JAVA_HOME=Java 17 is rejected, the search goes on" "$J/jdk-21.0.10"

run_fj LEGATE_JDK_SEARCH_PATHS="$J/*" JAVA_HOME="$TMP/does-not-exist"
expect_found "JAVA_HOME pointing nowhere is rejected, the search goes on" "$J/jdk-21.0.10"

mkdir -p "$FAKEHOME/.sdkman/candidates/java"
make_jdk "$FAKEHOME/.sdkman/candidates/java/99.0.1-tem" 99.0.1
run_fj
expect_found "default search locations include ~/.sdkman/candidates/java/*" "$FAKEHOME/.sdkman/candidates/java/99.0.1-tem"
rm -rf "$FAKEHOME/.sdkman"

PATHBIN=$TMP/path-bin
make_jdk "$TMP/onpath/jdk-22" 22.0.2
mkdir -p "$PATHBIN"
ln -s "$TMP/onpath/jdk-22/bin/java" "$PATHBIN/java"
run_fj LEGATE_JDK_SEARCH_PATHS="$EMPTY" PATH="$PATHBIN"
expect_found "last resort: java on PATH (its java.home)" "$TMP/onpath/jdk-22"

# --- hermetic: nothing suitable -----------------------------------------------

run_fj LEGATE_JDK_SEARCH_PATHS="$EMPTY" JAVA_HOME="$JDK17"
expect_error_with "empty search path, JAVA_HOME=17, no java on PATH: fails with a clear message" \
  "none was found" "1. JAVA_HOME ($JDK17)" "LEGATE_JDK_SEARCH_PATHS=$EMPTY" "3. java on PATH" \
  "JAVA_HOME=$JDK17 is Java 17" "no java on PATH" \
  "install a JDK 21 or newer, e.g. Temurin 21" "set JAVA_HOME"
if [ -z "$out" ] && [ "$rc" -eq 1 ]; then
  ok "  ... and returns 1 without exporting anything"
else
  fail "  ... and returns 1 without exporting anything" "rc=$rc JAVA_HOME=$out"
fi

PATHBIN17=$TMP/path-bin-17
mkdir -p "$PATHBIN17"
make_jdk "$TMP/onpath/jdk-17" 17.0.2
ln -s "$TMP/onpath/jdk-17/bin/java" "$PATHBIN17/java"
make_jdk "$TMP/broken" 0 garbage
run_fj LEGATE_JDK_SEARCH_PATHS="$J/jdk-17:$J/jre-24:$J/java-8:$J/not-a-jdk:$TMP/broken" PATH="$PATHBIN17"
expect_error_with "every rejected candidate is listed with its reason" \
  "$J/jdk-17 is Java 17" "$J/jre-24 is Java 24 but a JRE (no bin/javac)" "$J/java-8 is Java 8" \
  "$J/not-a-jdk has no JDK in it" "$TMP/broken has a bin/java whose version could not be determined" \
  "java on PATH ($PATHBIN17/java, home $TMP/onpath/jdk-17) is Java 17"

run_fj LEGATE_JDK_SEARCH_PATHS="" JAVA_HOME="$JDK17"
expect_error_with "LEGATE_JDK_SEARCH_PATHS set to empty: no install locations searched" \
  "LEGATE_JDK_SEARCH_PATHS=" "none was found"

# --- behaviour as a sourced file ----------------------------------------------

for shell in /bin/sh bash; do
  command -v "$shell" >/dev/null 2>&1 || continue
  # shellcheck disable=SC2016 # expanded by the inner shell
  res=$(env -i HOME="$FAKEHOME" PATH="$EMPTYBIN:/usr/bin:/bin" LEGATE_JDK_SEARCH_PATHS="$J/*" "$shell" -c '
    set -euf
    . "$1" || exit 1
    case $- in *f*) ;; *) echo "noglob lost"; exit 1 ;; esac
    leaks=$(set | grep -c "^_lfj" || true)
    [ "$leaks" -eq 0 ] || { echo "leaked $leaks _lfj variables"; exit 1; }
    if command -v _lfj_main >/dev/null 2>&1; then echo "leaked functions"; exit 1; fi
    set +f
    . "$1" || exit 1
    case $- in *f*) echo "noglob turned on"; exit 1 ;; esac
    echo fine' find-jdk-test "$FJ" 2>&1)
  if [ "$res" = fine ]; then
    ok "sourced under $shell with set -euf: options kept, nothing leaked"
  else
    fail "sourced under $shell with set -euf: options kept, nothing leaked" "$res"
  fi
done

# --- ./mvnw uses it -------------------------------------------------------------

out=$(cd "$TMP" && env -i HOME="$FAKEHOME" PATH="$EMPTYBIN" JAVA_HOME="$JDK17" \
  LEGATE_JDK_SEARCH_PATHS="$EMPTY" "$ROOT/mvnw" -v 2>"$TMP/err")
rc=$? err=$(cat "$TMP/err")
expect_error_with "./mvnw -v without a JDK 21+: fails with the same message" \
  "none was found" "JAVA_HOME=$JDK17 is Java 17" "install a JDK 21 or newer"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
