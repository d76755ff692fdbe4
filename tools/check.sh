#!/bin/sh
# Runs every check of `make test` and ends with one line:
#   N passed, N failed[, N skipped]
# summing all suites. Exits non-zero if anything failed.
#
# Environment: RUNTIMES (default "lua5.4 lua5.3 lua5.2 lua5.1 luajit"),
# UCD (Unicode data directory), CC.

RUNTIMES=${RUNTIMES:-"lua5.4 lua5.3 lua5.2 lua5.1 luajit"}
UCD=${UCD:-/usr/share/unicode}
CC=${CC:-cc}
LOGDIR=build/test
mkdir -p "$LOGDIR"

passed=0
failed=0
skipped=0

# check NAME COMMAND...: one check, passed when COMMAND succeeds.
check() {
  name=$1; shift
  log="$LOGDIR/$(echo "$name" | tr ' /' '__').log"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "  ok    $name"
  else
    failed=$((failed + 1)); echo "  FAIL  $name"; sed 's/^/        /' "$log" | head -40
  fi
}

skip() {
  skipped=$((skipped + 1)); echo "  skip  $1 ($2)"
}

# specs RUNTIME: the busted suite under one interpreter, counted per test.
specs() {
  rt=$1
  tap="$LOGDIR/specs-$rt.tap"
  "$rt" /usr/bin/busted --output=TAP --cpath="build/$rt/?.so" >"$tap" 2>&1
  status=$?
  p=$(grep -c '^ok ' "$tap" | tr -d ' ')
  s=$(grep -c '^ok .*# SKIP' "$tap" | tr -d ' ')
  f=$(grep -c '^not ok ' "$tap" | tr -d ' ')
  p=$((p - s))
  plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | tail -1)
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1   # crashed or failed to load: count the suite itself as a failure
    echo "  FAIL  $rt specs did not complete (exit $status):"; tail -20 "$tap" | sed 's/^/        /'
  elif [ -z "$plan" ] || [ "$plan" -ne $((p + s + f)) ]; then
    f=$((f + 1)); echo "  FAIL  $rt specs: TAP plan '$plan' does not match the results"
  fi
  echo "  $rt specs: $p passed, $f failed, $s skipped"
  if [ "$f" -gt 0 ]; then
    awk '/^not ok /{show=1; print "        " $0; next} /^ok /{show=0} show && /^#/{print "        " $0}' "$tap" | head -60
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

echo "== static checks"
for rt in $RUNTIMES; do
  case $rt in luajit) inc=/usr/include/luajit-2.1 ;; *) inc=/usr/include/$rt ;; esac
  check "C warnings, $rt headers" $CC -std=c99 -O2 -fsyntax-only -Wall -Wextra -Wpedantic -Wshadow -Werror -I"$inc" csrc/*.c
done
check "luacheck" luacheck --no-color .
if [ -f "$UCD/auxiliary/WordBreakProperty.txt" ]; then
  check "generated Unicode tables are up to date" make --no-print-directory gen-check UCD="$UCD"
else
  skip "generated Unicode tables are up to date" "no UCD in $UCD"
fi
check "glean.core exports only luaopen_glean_core" sh -c \
  '[ "$(nm -D --defined-only build/lua5.4/glean/core.so | awk "{print \$3}")" = luaopen_glean_core ]'

echo "== specs"
for rt in $RUNTIMES; do
  specs "$rt"
done

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
