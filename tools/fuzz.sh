#!/bin/sh
# Runs one fuzzer for a bounded time (make fuzz, make fuzz-smoke, make test).
#   sh tools/fuzz.sh run NAME SECONDS   build/fuzz/fuzz_NAME (libFuzzer) from
#                                       the seeds of csrc/fuzz/seeds/NAME
#   sh tools/fuzz.sh lists SECONDS      tools/fuzz_lists.lua under the
#                                       ASan+UBSan build (build/asan)
# Prints one line of figures; on a failure, the end of the log and the
# crashing input's path, and exits non-zero. Every run is appended to
# build/fuzz/history (name, seconds, executions) for docs/hardening.md.
set -u
OUT=build/fuzz
mkdir -p "$OUT"
CC=${CC:-cc}

case ${1:-} in
run)
  name=$2; secs=$3
  bin=$OUT/fuzz_$name; log=$OUT/fuzz_$name.log
  mkdir -p "$OUT/corpus/$name" "$OUT/crashes"
  [ -x "$bin" ] || { echo "fuzz_$name: $bin is not built (make fuzz-build)"; exit 1; }
  # -rss_limit_mb and -timeout: a slow or greedy input is a finding too
  if "$bin" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 -timeout=20 \
       -artifact_prefix="$OUT/crashes/${name}-" \
       "$OUT/corpus/$name" "csrc/fuzz/seeds/$name" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
    echo "fuzz_$name: $secs s, ${runs:-?} runs, peak RSS ${rss:-?} MB, corpus $(ls "$OUT/corpus/$name" | wc -l) inputs"
    echo "fuzz_$name $secs ${runs:-0}" >>"$OUT/history"
  else
    tail -40 "$log"
    echo "fuzz_$name: FAILED (log: $log; input: $(ls -t "$OUT"/crashes/"$name"-* 2>/dev/null | head -1))"
    exit 1
  fi
  ;;
lists)
  secs=$2
  asan=$($CC -print-file-name=libasan.so) ubsan=$($CC -print-file-name=libubsan.so)
  [ -f build/asan/glean/core.so ] || { echo "fuzz_lists: build/asan is not built (make asan-build)"; exit 1; }
  out=$(LD_PRELOAD="$asan $ubsan" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
        UBSAN_OPTIONS=print_stacktrace=1 LUA_CPATH='build/asan/?.so;;' \
        lua5.4 tools/fuzz_lists.lua "$secs" "${FUZZ_SEED:-$(date +%s)}" "$OUT" 2>&1)
  status=$?
  echo "$out" | tail -40
  if [ $status -ne 0 ]; then echo "fuzz_lists: FAILED (exit $status)"; exit 1; fi
  runs=$(echo "$out" | sed -n 's/^fuzz_lists: \([0-9]*\) files.*/\1/p')
  echo "fuzz_lists $secs ${runs:-0}" >>"$OUT/history"
  ;;
*)
  echo "usage: sh tools/fuzz.sh run NAME SECONDS | lists SECONDS" >&2
  exit 2
  ;;
esac
