#!/bin/sh
# Rules benchmark (make bench). Usage: bench/rules.sh [CORPUS_DIR]
# (named .sh: bench/rules/ holds the rule file)
#
# Runs bench/rules/news100.lua (100 token rules and 10 LPeg text rules in
# four phases) over CORPUS_DIR/news.txt (default ../shared/corpus), one
# document at a time, through bench/rules.lua: on Lua 5.4 (loaded as a
# user's rule file, sandboxed; then trusted, the engine alone), then on LuaJIT
# when it is installed (its glean.core is built first). RUNS runs each
# (default 5), medians reported. MB are 10^6 bytes. Skips cleanly when the
# corpus is absent.
set -e
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
file=$corpus/news.txt
runs=${RUNS:-5}
if [ ! -f "$file" ]; then
  echo "bench/rules.sh: $file not found; skipped"
  exit 0
fi
echo "== Lua 5.4"
lua5.4 bench/rules.lua "$file" "$runs"
echo
echo "== Lua 5.4, the rule file loaded trusted (the engine without the sandbox)"
lua5.4 bench/rules.lua --trusted "$file" "$runs"
echo
if command -v luajit >/dev/null 2>&1; then
  ${MAKE:-make} --no-print-directory build/luajit/glean/core.so >/dev/null
  echo "== LuaJIT"
  luajit bench/rules.lua "$file" "$runs"
else
  echo "LuaJIT: not installed; skipped"
fi
