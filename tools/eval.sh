#!/bin/sh
# make eval: the news rule set against the evaluation data in ../shared/eval
# (CoNLL-2003 dev, PolNeAR dev) and the seed article. Skips, with a
# message, what is not there. Everything it writes goes to build/eval/.
#
#   sh tools/eval.sh [SHARED_DIR]
set -u
shared=${1:-../shared}
out=build/eval
mkdir -p "$out"
glean="lua5.4 bin/glean"
status=0

conll=$shared/eval/conll2003
if [ -d "$conll/dev_docs" ] && command -v python3 >/dev/null; then
  echo "== CoNLL-2003 dev, bundled resources only"
  $glean extract --format jsonl "$conll/dev_docs" > "$out/conll_bundled.jsonl" || status=1
  lua5.4 tools/conll_pred.lua "$out/conll_bundled.jsonl" > "$out/conll_bundled_pred.jsonl"
  python3 "$conll/score.py" "$conll/dev_gold.jsonl" "$out/conll_bundled_pred.jsonl" || status=1
  echo "== CoNLL-2003 dev, with a gazetteer built from eng.train"
  lua5.4 tools/conll_gazetteer.lua "$conll/eng.train" > "$out/conll_train.tsv"
  $glean extract --format jsonl --gazetteer "$out/conll_train.tsv" "$conll/dev_docs" \
    > "$out/conll_train.jsonl" || status=1
  lua5.4 tools/conll_pred.lua "$out/conll_train.jsonl" > "$out/conll_train_pred.jsonl"
  python3 "$conll/score.py" "$conll/dev_gold.jsonl" "$out/conll_train_pred.jsonl" || status=1
else
  echo "== CoNLL-2003: skipped ($conll/dev_docs or python3 not found)"
fi

polnear=$shared/eval/polnear
if [ -d "$polnear/dev_text" ] && command -v python3 >/dev/null; then
  echo "== PolNeAR dev: quotations and speakers"
  $glean extract --format jsonl "$polnear/dev_text" > "$out/polnear.jsonl" || status=1
  python3 "$polnear/score.py" "$polnear/dev_quotes.jsonl" "$out/polnear.jsonl" || status=1
else
  echo "== PolNeAR: skipped ($polnear/dev_text or python3 not found)"
fi

seed=$shared/seed
if [ -f "$seed/article.txt" ] && [ -f "$seed/EXPECTED.md" ]; then
  echo "== seed article against EXPECTED.md"
  $glean extract --format json "$seed/article.txt" > "$out/seed.json" || status=1
  lua5.4 tools/seed_check.lua "$seed/EXPECTED.md" "$out/seed.json" || status=1
else
  echo "== seed article: skipped ($seed not found)"
fi
exit $status
