# glean: build, test and benchmark.
#
#   make            build glean.core for Lua 5.4 into build/lua5.4/ (no install)
#   make test       install missing Debian packages, build for every runtime,
#                   lint, check the generated tables and run all specs
#   make demo       run glean on the bundled example article
#   make help       list every target

CC        ?= cc
OPTFLAGS  ?= -O2
WARNFLAGS  = -Wall -Wextra -Wpedantic -Wshadow
CFLAGS_ALL = -std=c99 $(OPTFLAGS) -fPIC -fvisibility=hidden $(WARNFLAGS) $(CFLAGS)
LDFLAGS_SO = -shared $(LDFLAGS)

CSRC  := $(wildcard csrc/*.c)
CHDR  := $(wildcard csrc/*.h)

# Runtimes the suite runs on; the first is the primary one.
RUNTIMES ?= lua5.4 lua5.3 lua5.2 lua5.1 luajit
PRIMARY   = lua5.4
INC_lua5.4  = /usr/include/lua5.4
INC_lua5.3  = /usr/include/lua5.3
INC_lua5.2  = /usr/include/lua5.2
INC_lua5.1  = /usr/include/lua5.1
INC_luajit  = /usr/include/luajit-2.1

BUSTED = /usr/bin/busted
UCD   ?= /usr/share/unicode
SHARED ?= ../shared

# Debian packages everything here needs (make deps installs the missing ones).
DEBS = gcc make libc6-dev binutils \
       lua5.4 liblua5.4-dev lua5.3 liblua5.3-dev lua5.2 liblua5.2-dev \
       lua5.1 liblua5.1-0-dev luajit libluajit-5.1-dev \
       lua-lpeg lua-busted luarocks lua-check lua-ldoc lua-discount unicode-data \
       valgrind iso-codes tzdata wamerican
# Only for the benchmarks' baselines; make deps tries them, and goes on
# without them where they cannot be installed.
BENCH_DEBS = libicu-dev libhyperscan-dev pkg-config clang libclang-rt-14-dev
# Only for make test-browser (the HTML report in headless Chromium), which
# skips without them.
BROWSER_DEBS = chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: allocfail
.PHONY: all build-all deps data test test-quick lint lint-c gen gen-check asan valgrind \
        install demo eval rules-example bench docs fuzz clean help embed embed-tsan \
        asan-build fuzz-build fuzz-smoke test-huge

all: build/$(PRIMARY)/glean/core.so

build/%/glean/core.so: $(CSRC) $(CHDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -I$(INC_$*) $(LDFLAGS_SO) -o $@ $(CSRC)

build-all: $(foreach r,$(RUNTIMES),build/$(r)/glean/core.so)

help:
	@sed -n 's/^#   make/  make/p' Makefile
	@echo "  make test-quick  specs on Lua 5.4 only"
	@echo "  make test-browser  the HTML report in headless Chromium: DOM checks, screenshot"
	@echo "  make lint        luacheck and a -Werror build against every Lua's headers"
	@echo "  make gen         regenerate csrc/unicode_data.[ch] from $(UCD)"
	@echo "  make gen-check   check that regenerating changes nothing"
	@echo "  make asan        specs against an ASan+UBSan build"
	@echo "  make valgrind    specs under valgrind memcheck"
	@echo "  make bench       benchmarks (need $(SHARED)/corpus)"
	@echo "  make eval        news rules against CoNLL-2003, PolNeAR and the seed (need $(SHARED)/eval)"
	@echo "  make fuzz        libFuzzer harnesses, FUZZ_TIME seconds each (default 60)"
	@echo "  make fuzz-smoke  the same, 20 s each"
	@echo "  make test-huge   huge and odd inputs: 1 GB of text, a 100 MB line..."
	@echo "  make allocfail   the allocation-failure sweep under ASan (ALLOCFAIL_ARGS=--quick)"
	@echo "  make install     luarocks make (into ./lua_modules; TREE=DIR to choose)"
	@echo "  make docs        API reference with ldoc into build/doc"
	@echo "  make rules-example  run the rule file example with its explanation"
	@echo "  make embed       the C hosts of examples/embed/ into build/embed/"
	@echo "  make embed-tsan  the threaded host under ThreadSanitizer, and the core's"
	@echo "                   objects checked for writable globals"

# Idempotent: asks dpkg which packages are missing and installs only those
# (fast when all are there); the optional ones may fail to install.
deps:
	@sh tools/deps.sh "$(SUDO)" $(DEBS)
	@sh tools/deps.sh "$(SUDO)" --optional $(BENCH_DEBS) $(BROWSER_DEBS)

test: deps data
	@$(MAKE) --no-print-directory build-all
	@RUNTIMES="$(RUNTIMES)" UCD="$(UCD)" sh tools/check.sh

test-quick: deps data
	@$(MAKE) --no-print-directory all
	lua5.4 $(BUSTED) --cpath='build/lua5.4/?.so'

# The HTML report of examples/news/harbour.txt in headless Chromium: the DOM
# checked (every mention highlighted, every quotation linked to its speaker,
# hover) and a screenshot saved in build/browser/; skipped without Chromium.
.PHONY: test-browser
test-browser: deps data
	@$(MAKE) --no-print-directory all
	@sh tools/deps.sh "$(SUDO)" --optional $(BROWSER_DEBS)
	@lua5.4 tools/browser_check.lua

lint: lint-c
	luacheck .

# A warning-free build against each runtime's headers.
lint-c:
	@for r in $(RUNTIMES); do \
	  inc=$$(case $$r in luajit) echo $(INC_luajit);; *) echo /usr/include/$$r;; esac); \
	  echo "cc -Werror against $$inc"; \
	  $(CC) -std=c99 -O2 -fsyntax-only $(WARNFLAGS) -Werror -I$$inc $(CSRC) || exit 1; \
	done

# The news lexicons (lua/glean/news/lexicon.lua): lists generated from
# Debian's iso-codes, tzdata and wamerican, compiled with the hand-written
# lists of data/lexicons/ into build/data/news.glz and words.glz.
LEXICON_HAND = $(wildcard data/lexicons/*.tsv)
LEXICON_DEB  = $(wildcard /usr/share/iso-codes/json/iso_3166-1.json \
                 /usr/share/iso-codes/json/iso_3166-2.json /usr/share/iso-codes/json/iso_4217.json \
                 /usr/share/zoneinfo/zone.tab /usr/share/dict/american-english)

data: build/data/news.glz

build/data/.generated: tools/gen_lexicons.lua lua/glean/json.lua $(LEXICON_DEB)
	@mkdir -p build/data
	@lua5.4 tools/gen_lexicons.lua gen build/data
	@touch $@

build/data/news.glz: build/data/.generated $(LEXICON_HAND) tools/gen_lexicons.lua \
                     lua/glean/news/lexicon.lua lua/glean/gazetteer.lua build/$(PRIMARY)/glean/core.so
	@lua5.4 tools/gen_lexicons.lua compile build/data

gen:
	lua5.4 tools/gen_unicode.lua $(UCD) csrc

gen-check:
	@mkdir -p build/gen-check
	@lua5.4 tools/gen_unicode.lua $(UCD) build/gen-check 2>/dev/null
	@cmp csrc/unicode_data.c build/gen-check/unicode_data.c && \
	 cmp csrc/unicode_data.h build/gen-check/unicode_data.h && \
	 echo "gen-check: generated tables are up to date"

# Specs against an ASan+UBSan build. The interpreter is not instrumented, so
# the ASan runtime is preloaded, and with it into every command a spec
# starts: spec/embed_spec.lua, which runs the C compiler (whose own leaks
# LeakSanitizer would report) on hosts that do not use this build, stays out.
ASAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_ENV = LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
           ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
build/asan/glean/core.so: $(CSRC) $(CHDR)
	@mkdir -p $(@D)
	$(CC) -std=c99 $(ASAN_FLAGS) -fPIC $(WARNFLAGS) -I$(INC_lua5.4) -shared -o $@ $(CSRC)
asan-build: build/asan/glean/core.so
asan: asan-build
	$(ASAN_ENV) lua5.4 $(BUSTED) --cpath='build/asan/?.so' --exclude-tags=install \
	  --exclude-pattern=embed_spec

valgrind: all
	valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	  lua5.4 $(BUSTED) --cpath='build/lua5.4/?.so' --exclude-tags=install

# luarocks make, with the project-local config in .luarocks/ (Debian's lpeg
# is declared as provided). TREE defaults to ./lua_modules.
TREE ?= lua_modules
install: deps data
	luarocks --lua-version=5.4 make --tree=$(TREE) rockspec/glean-scm-1.rockspec

demo: deps data
	@$(MAKE) --no-print-directory all
	lua5.4 bin/glean extract examples/news/harbour.txt

# The news rules against CoNLL-2003, PolNeAR and the seed article (needs
# $(SHARED)/eval and $(SHARED)/seed; skips what is missing).
eval: deps data
	@$(MAKE) --no-print-directory all
	@sh tools/eval.sh $(SHARED)

# The rule file example: spans, links and the explanation of each.
rules-example: deps
	@$(MAKE) --no-print-directory all
	LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='build/lua5.4/?.so;;' \
	  lua5.4 examples/rules/run.lua

bench: deps
	@$(MAKE) --no-print-directory all
	sh bench/tokenize $(SHARED)/corpus
	sh bench/gazetteer $(SHARED)/corpus
	sh bench/rules.sh $(SHARED)/corpus
	lua5.4 bench/news.lua $(SHARED)/corpus/news-1mb.txt 3
	lua5.4 bench/long.lua $(SHARED)/corpus/news-5mb.txt
	@$(MAKE) --no-print-directory bench-10m

# A gazetteer of 10 million made-up phrases built, compiled, saved, loaded
# and matched (bench/gazetteer_10m.lua; needs no corpus): under a minute.
.PHONY: bench-10m
bench-10m: all
	lua5.4 bench/gazetteer_10m.lua

# libFuzzer harnesses (csrc/fuzz/), each run for FUZZ_TIME seconds on the
# plain C core (the l*.c files are the Lua bindings and stay out), from the
# seeds of csrc/fuzz/seeds/NAME (tools/fuzz_seeds.lua); what they add goes
# to build/fuzz/corpus/NAME. Then tools/fuzz_lists.lua, the list readers,
# for FUZZ_TIME seconds under the ASan+UBSan build. make fuzz-smoke: 20 s
# each (make test runs the same through tools/check.sh). Needs clang.
FUZZ_TIME ?= 60
FUZZERS = $(patsubst csrc/fuzz/fuzz_%.c,%,$(wildcard csrc/fuzz/fuzz_*.c))
FUZZ_SRC = $(filter-out csrc/l%.c,$(CSRC))
FUZZ_OBJ = $(patsubst csrc/%.c,build/fuzz/obj/%.o,$(FUZZ_SRC))
FUZZ_CFLAGS = -std=c99 -g -O1 -fno-sanitize-recover=all $(WARNFLAGS) -Icsrc
.SECONDARY: $(FUZZ_OBJ)
build/fuzz/obj/%.o: csrc/%.c $(CHDR)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build/fuzz/fuzz_%: csrc/fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ)
fuzz-build: $(addprefix build/fuzz/fuzz_,$(FUZZERS)) asan-build
fuzz: fuzz-build
	@for f in $(FUZZERS); do sh tools/fuzz.sh run $$f $(FUZZ_TIME) || exit 1; done
	@sh tools/fuzz.sh lists $(FUZZ_TIME)
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_TIME=20

# Huge and odd inputs (spec/huge_spec.lua with GLEAN_HUGE=1): 1 GB of text
# made on the fly, a 100 MB line, 10 million tokens without a space...
# make test runs the same spec with small sizes.
test-huge: all data
	GLEAN_HUGE=1 lua5.4 $(BUSTED) --cpath='build/lua5.4/?.so' spec/huge_spec.lua

# The allocation-failure sweep (docs/hardening.md, section 2): a Lua 5.4
# host with a failing allocator and glean.core linked in, built with
# ASan+UBSan, runs tools/allocfail.lua; spec/allocfail_spec.lua runs it
# with --quick in make test.
ALLOCFAIL_FLAGS = -std=c99 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                  -fno-sanitize-recover=all $(WARNFLAGS) -Icsrc -I$(INC_lua5.4)
ALLOCFAIL_ARGS ?=
build/allocfail/allocfail: tools/allocfail.c $(CSRC) $(CHDR)
	@mkdir -p $(@D)
	$(CC) $(ALLOCFAIL_FLAGS) -o $@ tools/allocfail.c $(CSRC) -llua5.4 -lm
allocfail: build/allocfail/allocfail data
	ASAN_OPTIONS=detect_leaks=1 build/allocfail/allocfail tools/allocfail.lua $(ALLOCFAIL_ARGS)

# C hosts that embed Lua 5.4 and link glean.core in (examples/embed/):
# host runs the news pipeline on stdin, threads runs it in 4 threads that
# share one mapping of news.glz.
EMBED_DIR    = examples/embed
EMBED_CFLAGS = -std=c99 $(OPTFLAGS) $(WARNFLAGS) $(CFLAGS) -Icsrc -I$(INC_lua5.4)
# LPeg is linked in too when Debian's lua-lpeg library is there, so that no
# state opens a shared object (dlopen and dlclose in every thread); with
# LPEG_LIB= it is loaded through package.cpath instead.
LPEG_LIB    ?= $(if $(wildcard /usr/lib/$(shell $(CC) -dumpmachine)/liblua5.4-lpeg.so.2),-l:liblua5.4-lpeg.so.2)
EMBED_DEFS   = -DGLEAN_ROOT='"$(CURDIR)"' $(if $(LPEG_LIB),-DEMBED_LPEG)
EMBED_LIBS   = $(LPEG_LIB) -llua5.4 -lpthread -lm
EMBED_OBJ    = $(patsubst csrc/%.c,build/embed/obj/%.o,$(CSRC))
EMBED_COMMON = $(EMBED_DIR)/common.c $(EMBED_DIR)/common.h

embed: $(EMBED_OBJ) build/embed/host build/embed/threads

.SECONDARY: $(EMBED_OBJ)
build/embed/obj/%.o: csrc/%.c $(CHDR)
	@mkdir -p $(@D)
	$(CC) $(EMBED_CFLAGS) -c -o $@ $<

build/embed/%: $(EMBED_DIR)/%.c $(EMBED_COMMON) $(EMBED_OBJ)
	$(CC) $(EMBED_CFLAGS) $(EMBED_DEFS) -o $@ $< $(EMBED_DIR)/common.c $(EMBED_OBJ) \
	  $(EMBED_LIBS) $(LDFLAGS)

# The threaded host built with -fsanitize=thread (gcc) over the example
# articles; any report fails the run. Then no csrc object may have a
# writable data section (.data or .bss): the core keeps no global state.
TSAN_FLAGS = -std=c99 -O1 -g -fsanitize=thread $(WARNFLAGS) -Icsrc -I$(INC_lua5.4)
embed-tsan: data embed $(EMBED_OBJ)
	@mkdir -p build/embed/tsan
	$(CC) $(TSAN_FLAGS) $(EMBED_DEFS) -o build/embed/tsan/threads $(EMBED_DIR)/threads.c \
	  $(EMBED_DIR)/common.c $(CSRC) $(EMBED_LIBS)
	TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
	  build/embed/tsan/threads -j 4 --repeat 8 examples/news/*.txt >build/embed/tsan/out.json
	build/embed/threads -j 1 --repeat 8 examples/news/*.txt | cmp - build/embed/tsan/out.json
	@echo "embed-tsan: ThreadSanitizer found no data race (4 threads, $$(grep -c '^{' build/embed/tsan/out.json) reports)"
	@for o in $(EMBED_OBJ); do \
	  size -A $$o | awk -v o=$$o '$$1 ~ /^\.(data|bss)$$/ && $$2 != 0 { print o ": " $$1 " " $$2 " bytes"; bad = 1 } END { exit bad }' || exit 1; \
	done
	@echo "embed-tsan: no writable global data in csrc/*.c"

docs:
	ldoc -d build/doc .

clean:
	rm -rf build
