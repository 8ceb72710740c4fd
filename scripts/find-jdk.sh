# shellcheck shell=sh
# scripts/find-jdk.sh: find a JDK that can build and run Legate (Java 21 or newer)
# and export JAVA_HOME to it.
#
# Usage (source it; do not execute it):
#     . "$repo/scripts/find-jdk.sh" || exit 1
#
# Sourced by ./mvnw, ./legate and .ci/run. Written in plain POSIX sh because
# mvnw runs under /bin/sh (dash on Debian) with `set -euf`; it also works
# under bash and with any of `set -e`, `set -u`, `set -f` in effect.
# It runs no external program except the `java` of candidate JDKs that have no
# `release` file, so it stays cheap on every launch.
#
# Order of preference:
#   1. $JAVA_HOME, when it is a JDK 21 or newer (kept as it is);
#   2. the usual install locations, the newest version winning:
#        /usr/lib/jvm/*  /usr/java/*  /opt/java/*  /opt/jdk*
#        ~/.sdkman/candidates/java/*  ~/.jdks/*
#        /Library/Java/JavaVirtualMachines/*/Contents/Home
#   3. `java` on PATH (its java.home, as reported by the JVM itself).
# A candidate counts only if it has bin/java and bin/javac (a JRE is rejected).
# Its version comes from the JAVA_VERSION line of its `release` file, or else
# from the output of `bin/java -version`.
#
# On success it prints nothing and returns 0 with JAVA_HOME exported.
# On failure it prints to stderr what it searched, what it found and why each
# candidate was rejected, and how to fix it; then it returns 1.
#
# Environment:
#   JAVA_HOME                 checked first (see above).
#   LEGATE_JDK_SEARCH_PATHS   when set (even to ""), replaces the usual install
#                             locations of step 2: a ':'-separated list of glob
#                             patterns (each match is a candidate JDK home) or
#                             plain directories (the directory itself if it is a
#                             JDK home, else its subdirectories). Tests use it,
#                             together with PATH, to simulate a machine without
#                             a suitable JDK, e.g.
#                               LEGATE_JDK_SEARCH_PATHS=/tmp/empty PATH=/tmp/empty-bin
#   LEGATE_JDK_VERBOSE=1      also report, on stderr, which JDK was chosen.

_lfj_min=21

# _lfj_probe HOME: is HOME a JDK >= $_lfj_min?
# Sets _lfj_major, _lfj_key (sortable version) and _lfj_why (reason if rejected).
_lfj_probe() {
  _lfj_major=0 _lfj_key=0 _lfj_why='' _lfj_ver=''
  if [ ! -d "$1" ]; then
    _lfj_why="does not exist or is not a directory"
    return 1
  fi
  if [ ! -x "$1/bin/java" ] || [ -d "$1/bin/java" ]; then
    _lfj_why="has no bin/java (not a JDK)"
    return 1
  fi
  if [ -f "$1/release" ] && [ -r "$1/release" ]; then
    while IFS= read -r _lfj_line || [ -n "$_lfj_line" ]; do
      case $_lfj_line in
      JAVA_VERSION=*)
        _lfj_ver=${_lfj_line#JAVA_VERSION=}
        _lfj_ver=${_lfj_ver#\"}
        _lfj_ver=${_lfj_ver%%\"*}
        break
        ;;
      esac
    done <"$1/release"
  fi
  if [ -z "$_lfj_ver" ]; then
    # No usable release file: ask the JVM. Output looks like
    #   openjdk version "21.0.5" 2024-10-15   |   java version "1.8.0_421"
    _lfj_out=$("$1/bin/java" -version 2>&1 </dev/null) || _lfj_out=
    case $_lfj_out in
    *'version "'*)
      _lfj_ver=${_lfj_out#*version \"}
      _lfj_ver=${_lfj_ver%%\"*}
      ;;
    esac
  fi
  case $_lfj_ver in
  1.*) _lfj_ver=${_lfj_ver#1.} ;; # 1.8.0_421 is Java 8
  esac
  case $_lfj_ver in
  [0-9]*) ;;
  *)
    _lfj_why="has a bin/java whose version could not be determined"
    return 1
    ;;
  esac
  # Sortable key: major*10^6 + minor*10^3 + update, from "21.0.5+11", "25-ea", "8.0_421"...
  _lfj_r=$_lfj_ver _lfj_i=0
  while [ "$_lfj_i" -lt 3 ]; do
    _lfj_n=${_lfj_r%%[!0-9]*}
    if [ -n "$_lfj_n" ]; then
      _lfj_r=${_lfj_r#"$_lfj_n"}
      _lfj_r=${_lfj_r#[._]}
      while :; do
        case $_lfj_n in
        0?*) _lfj_n=${_lfj_n#0} ;; # no octal surprises in $(( ))
        *) break ;;
        esac
      done
      case $_lfj_n in ????*) _lfj_n=999 ;; esac
    else
      _lfj_n=0 _lfj_r=
    fi
    [ "$_lfj_i" -ne 0 ] || _lfj_major=$_lfj_n
    _lfj_key=$((_lfj_key * 1000 + _lfj_n))
    _lfj_i=$((_lfj_i + 1))
  done
  if [ "$_lfj_major" -lt "$_lfj_min" ]; then
    _lfj_why="is Java $_lfj_major"
    return 1
  fi
  if [ ! -x "$1/bin/javac" ] || [ -d "$1/bin/javac" ]; then
    _lfj_why="is Java $_lfj_major but a JRE (no bin/javac)"
    return 1
  fi
  return 0
}

# _lfj_note TEXT: remember a rejected candidate for the error message.
_lfj_note() {
  _lfj_rejected="$_lfj_rejected
    $1"
}

# _lfj_consider DIR: candidate from the install locations; keep the newest.
_lfj_consider() {
  [ -d "$1" ] || return 0
  _lfj_canon=$(cd -P -- "$1" 2>/dev/null && pwd -P) || _lfj_canon=$1
  case "$_lfj_seen" in
  *"
$_lfj_canon
"*) return 0 ;; # same JDK reached through another path (symlink)
  esac
  _lfj_seen="$_lfj_seen$_lfj_canon
"
  if _lfj_probe "$1"; then
    if [ "$_lfj_key" -gt "$_lfj_best_key" ]; then
      _lfj_best=$1 _lfj_best_key=$_lfj_key
    fi
  else
    _lfj_note "$1 $_lfj_why"
  fi
  return 0
}

_lfj_main() {
  _lfj_rejected='' _lfj_seen="
" _lfj_best='' _lfj_best_key=0

  # 1. JAVA_HOME
  if [ -n "${JAVA_HOME-}" ]; then
    if _lfj_probe "$JAVA_HOME"; then
      export JAVA_HOME
      return 0
    fi
    _lfj_note "JAVA_HOME=$JAVA_HOME $_lfj_why"
    _lfj_jh_canon=$(cd -P -- "$JAVA_HOME" 2>/dev/null && pwd -P) || _lfj_jh_canon=
    [ -z "$_lfj_jh_canon" ] || _lfj_seen="$_lfj_seen$_lfj_jh_canon
"
  fi

  # 2. the usual install locations (or LEGATE_JDK_SEARCH_PATHS)
  if [ -n "${LEGATE_JDK_SEARCH_PATHS+set}" ]; then
    _lfj_paths=$LEGATE_JDK_SEARCH_PATHS
  else
    _lfj_paths="/usr/lib/jvm/*:/usr/java/*:/opt/java/*:/opt/jdk*:${HOME-}/.sdkman/candidates/java/*:${HOME-}/.jdks/*:/Library/Java/JavaVirtualMachines/*/Contents/Home"
  fi
  _lfj_oldifs=$IFS
  IFS=:
  set -f
  for _lfj_entry in $_lfj_paths; do
    [ -n "$_lfj_entry" ] || continue
    case $_lfj_entry in
    *[*?[]*)
      IFS=
      set +f
      for _lfj_m in $_lfj_entry; do
        _lfj_consider "$_lfj_m"
      done
      set -f
      IFS=:
      ;;
    *)
      if [ -x "$_lfj_entry/bin/java" ] || [ ! -d "$_lfj_entry" ]; then
        _lfj_consider "$_lfj_entry"
      else
        IFS=
        set +f
        _lfj_before=$_lfj_seen$_lfj_rejected
        for _lfj_m in "$_lfj_entry"/* "$_lfj_entry"/*/Contents/Home; do
          _lfj_consider "$_lfj_m"
        done
        [ "$_lfj_before" != "$_lfj_seen$_lfj_rejected" ] || _lfj_note "$_lfj_entry has no JDK in it"
        set -f
        IFS=:
      fi
      ;;
    esac
  done
  IFS=$_lfj_oldifs
  if [ -n "$_lfj_best" ]; then
    JAVA_HOME=$_lfj_best
    export JAVA_HOME
    return 0
  fi

  # 3. java on PATH: ask it for its java.home
  if _lfj_java=$(command -v java 2>/dev/null) && [ -n "$_lfj_java" ]; then
    _lfj_out=$("$_lfj_java" -XshowSettings:properties -version 2>&1 </dev/null) || _lfj_out=
    _lfj_home=
    case $_lfj_out in
    *'java.home = '*)
      _lfj_home=${_lfj_out#*java.home = }
      _lfj_home=${_lfj_home%%
*}
      ;;
    esac
    if [ -z "$_lfj_home" ]; then
      _lfj_note "java on PATH ($_lfj_java) did not report its java.home"
    elif _lfj_probe "$_lfj_home"; then
      JAVA_HOME=$_lfj_home
      export JAVA_HOME
      return 0
    else
      _lfj_note "java on PATH ($_lfj_java, home $_lfj_home) $_lfj_why"
    fi
  else
    _lfj_note "no java on PATH"
  fi

  # Nothing suitable: explain.
  {
    echo "ERROR: Legate needs a JDK $_lfj_min or newer, and none was found."
    echo "  Searched, in this order:"
    echo "    1. JAVA_HOME (${JAVA_HOME:-not set})"
    if [ -n "${LEGATE_JDK_SEARCH_PATHS+set}" ]; then
      echo "    2. LEGATE_JDK_SEARCH_PATHS=${LEGATE_JDK_SEARCH_PATHS}"
    else
      echo "    2. the usual install locations:$(IFS=:; set -f; for _lfj_p in $_lfj_paths; do printf ' %s' "$_lfj_p"; done)"
    fi
    echo "    3. java on PATH"
    echo "  Found and rejected:${_lfj_rejected:-
    nothing}"
    echo "  Fix: install a JDK $_lfj_min or newer, e.g. Temurin 21 (https://adoptium.net, or 'sdk install java 21-tem'),"
    echo "       and set JAVA_HOME to it, e.g.  export JAVA_HOME=/path/to/jdk-21"
  } >&2
  return 1
}

# Run with globbing on (mvnw sources this under `set -f`), then restore the
# caller's shell options and clean up.
case $- in
*f*) _lfj_noglob=1 ;;
*) _lfj_noglob= ;;
esac
set +f
if _lfj_main; then _lfj_status=0; else _lfj_status=1; fi
if [ -n "$_lfj_noglob" ]; then set -f; else set +f; fi
if [ "$_lfj_status" -eq 0 ] && [ "${LEGATE_JDK_VERBOSE-}" = 1 ]; then
  echo "find-jdk: using JAVA_HOME=$JAVA_HOME" >&2
fi
unset -f _lfj_probe _lfj_note _lfj_consider _lfj_main
unset _lfj_min _lfj_major _lfj_key _lfj_why _lfj_ver _lfj_line _lfj_out _lfj_r _lfj_i _lfj_n \
  _lfj_rejected _lfj_seen _lfj_best _lfj_best_key _lfj_canon _lfj_jh_canon _lfj_paths _lfj_oldifs \
  _lfj_entry _lfj_before _lfj_m _lfj_java _lfj_home _lfj_noglob _lfj_p
# `return` when sourced; `exit` if someone ran this file directly.
eval "unset _lfj_status; return $_lfj_status 2>/dev/null || exit $_lfj_status"
