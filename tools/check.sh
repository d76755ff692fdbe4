#!/bin/sh
# Runs every check of `make test` and ends with one line:
#   N passed, N failed[, N skipped]
# summing all suites. Exits non-zero if anything failed.
# Suites: static checks; the specs on every runtime; the specs against an
# ASan+UBSan build (make asan); the HTML report in headless Chromium (make
# test-browser); a fuzz smoke pass (make fuzz-smoke: each harness of
# csrc/fuzz/ and tools/fuzz_lists.lua for FUZZ_SMOKE_TIME seconds). The
# last three are skipped, and counted as skipped, without the ASan
# runtime, Chromium or clang's libFuzzer.
#
# Environment: RUNTIMES (default "lua5.4 lua5.3 lua5.2 lua5.1 luajit"),
# UCD (Unicode data directory), CC, FUZZ_SMOKE_TIME (default 20; 0 skips
# the fuzz smoke pass), ASAN (default 1; 0 skips the ASan suite).

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

# tap_suite LABEL COMMAND...: a busted suite run with --output=TAP,
# counted per test.
tap_suite() {
  rt=$1; shift
  tap="$LOGDIR/specs-$rt.tap"
  "$@" >"$tap" 2>&1
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

# specs RUNTIME: the busted suite under one interpreter.
specs() {
  tap_suite "$1" "$1" /usr/bin/busted --output=TAP --cpath="build/$1/?.so"
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

echo "== specs against an ASan+UBSan build (make asan)"
libasan=$($CC -print-file-name=libasan.so) libubsan=$($CC -print-file-name=libubsan.so)
if [ "${ASAN:-1}" = 0 ]; then
  skip "ASan+UBSan specs" "ASAN=0"
elif [ ! -f "$libasan" ] || [ ! -f "$libubsan" ]; then
  skip "ASan+UBSan specs" "no libasan/libubsan for $CC"
else
  check "ASan+UBSan build" make --no-print-directory asan-build
  if [ -f build/asan/glean/core.so ]; then
    # the interpreter is not instrumented: the runtime is preloaded (the
    # embed spec, which runs the C compiler, stays out as in make asan)
    tap_suite "lua5.4+asan" env LD_PRELOAD="$libasan $libubsan" \
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
      lua5.4 /usr/bin/busted --output=TAP --cpath="build/asan/?.so" --exclude-tags=install \
      --exclude-pattern=embed_spec
  fi
fi

echo "== the HTML report in headless Chromium (make test-browser)"
if command -v chromium >/dev/null 2>&1; then
  check "HTML report in Chromium: every mention highlighted, every quote linked" \
    make --no-print-directory test-browser
  tail -1 "$log" | sed 's/^/        /'
else
  skip "HTML report in Chromium" "no chromium (make deps installs it when it can)"
fi

FUZZ_SMOKE_TIME=${FUZZ_SMOKE_TIME:-20}
echo "== fuzz smoke pass ($FUZZ_SMOKE_TIME s each; make fuzz-smoke)"
fuzzers=$(ls csrc/fuzz/fuzz_*.c | sed 's|csrc/fuzz/fuzz_\(.*\)\.c|\1|')
why=""
if [ "$FUZZ_SMOKE_TIME" = 0 ]; then why="FUZZ_SMOKE_TIME=0"
elif ! command -v clang >/dev/null 2>&1; then why="no clang"
elif ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
     clang -x c -fsanitize=fuzzer -o "$LOGDIR/fuzz-probe" - >/dev/null 2>&1; then
  why="clang without libFuzzer"
elif [ ! -f build/asan/glean/core.so ]; then why="no ASan build"
fi
if [ -n "$why" ]; then
  for f in $fuzzers lists; do skip "fuzz_$f" "$why"; done
else
  check "fuzz harnesses build" make --no-print-directory fuzz-build
  for f in $fuzzers; do
    check "fuzz_$f ($FUZZ_SMOKE_TIME s)" sh tools/fuzz.sh run "$f" "$FUZZ_SMOKE_TIME"
    tail -1 "$log" | sed 's/^/        /'
  done
  check "fuzz_lists ($FUZZ_SMOKE_TIME s, list readers under ASan)" \
    sh tools/fuzz.sh lists "$FUZZ_SMOKE_TIME"
  tail -1 "$log" | sed 's/^/        /'
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
