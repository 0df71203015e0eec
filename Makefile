# cutover — one Makefile, no other build system.
#   make              build ./cutover
#   make check        install missing Debian packages, build with clang -Werror and with
#                     ASan+UBSan, run every test, run each fuzz target briefly
#   make fuzz         libFuzzer targets (fuzz/fuzz_*.c), each run FUZZ_SECONDS (default 20)
#   make demo         a demo cutover between two throwaway local Dovecot servers
#                     (KEEP=1: leave them running for the README's tour; make demo-stop)
#   make install PREFIX=/usr/local
PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc

PKGS      := yaml-0.1 libcurl sqlite3 gnutls jansson
# libetpan.pc injects -specs=…no-pie-link.specs (non-PIE, and a hard dependency on
# libdpkg-perl); we filter it out and ask for PIE ourselves.
ETPAN_CFLAGS := $(shell pkg-config --cflags libetpan 2>/dev/null)
ETPAN_LIBS   := $(filter-out -specs=%,$(shell pkg-config --libs libetpan 2>/dev/null))

# -Wno-format-truncation: fixed-size message buffers (struct err, reports) truncate on
# purpose; every such snprintf is bounded, and the warning cannot tell intent.
# clang has no -Wformat-truncation (and -Werror rejects an unknown warning option), so
# the flag goes to gcc only.
CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo yes)
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
            $(if $(CC_IS_CLANG),,-Wno-format-truncation)
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -fPIE \
              -I. $(ETPAN_CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS   := $(ETPAN_LIBS) $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
ALL_LDFLAGS := -pie $(LDFLAGS) $(EXTRA_LDFLAGS)

MODULES  := base schedule mapping migrate notices cmd
LIB_SRC  := $(filter-out cmd/main.c,$(wildcard $(addsuffix /*.c,$(MODULES)) $(addsuffix /*/*.c,$(MODULES))))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Test helpers (tests/unit/*.c that are not tests, e.g. memdrv.c) link into every test.
UNIT_AUX := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
UNIT_AUX_OBJ := $(UNIT_AUX:%.c=$(BUILD)/%.o)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

.PHONY: all check test demo demo-stop bench install clean deps clang-check clang-syntax fuzz fuzz-build \
        fuzz-run fuzz-bin
all: cutover

cutover: $(BUILD)/cutover
	@cp $< $@

$(BUILD)/cutover: $(BUILD)/cmd/main.o $(BUILD)/libcutover.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libcutover.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_AUX_OBJ) $(BUILD)/libcutover.a tests/unit/t.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(UNIT_AUX_OBJ) $(BUILD)/libcutover.a $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libcutover.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libcutover.a $(LDLIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The test build: AddressSanitizer + UndefinedBehaviorSanitizer, every test.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# clang -Werror sees every file: the library through the fuzz build, the rest (main,
# tests, tools) through clang-syntax, which compiles nothing it does not need to.
check: deps
	$(MAKE) fuzz-build
	$(MAKE) CC=clang clang-syntax
	$(MAKE) -j$$(nproc) BUILD=build-san CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="-fsanitize=address,undefined" tests-bin
	CUTOVER_BUILD=build-san tests/run
	$(MAKE) fuzz-run FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS) FUZZ_SEED=$(CHECK_FUZZ_SEED) \
	        FUZZ_RUNS=$(CHECK_FUZZ_RUNS)

# The project builds warning-free with clang as well as gcc: clang-check builds every
# object, test and tool with clang -Werror (-O0: only the diagnostics matter here).
clang-check:
	$(MAKE) -j$$(nproc) CC=clang BUILD=build-clang CFLAGS="-O0 -g" tests-bin

clang-syntax:
	$(CC) $(ALL_CFLAGS) -fsyntax-only cmd/main.c $(UNIT_SRC) $(UNIT_AUX) $(TOOL_SRC)

# Fuzzing (libFuzzer, clang, ASan+UBSan): fuzz/fuzz_NAME.c is one target feeding bytes to
# one parser; other fuzz/*.c files (shared harness code, e.g. a scripted server stream for
# the drivers) are linked into every target. fuzz/run.sh seeds each target's corpus
# (fuzz/seeds.sh) and runs it FUZZ_SECONDS; FUZZ_TARGETS="fuzz_plan …" picks some.
# Crashes are kept in build-fuzz/artifacts/.
FUZZ_SECONDS       ?= 20
FUZZ_SEED          ?=
FUZZ_RUNS          ?=
# make check replays every target's seeds (fuzz/seeds/ holds the crashes found so far),
# then fuzzes each target briefly with a fixed seed and a fixed number of inputs: the
# same inputs on every run and every machine, so a CI failure is never one run's luck (a
# random 5 s run once found a libetpan crash on one CI run and not on the next). Exploring
# anew is make fuzz's job. CHECK_FUZZ_SECONDS only stops a target that got slow (seeding
# and start-up come on top: all 14 took 135 s on 2 cores shared at load 18).
CHECK_FUZZ_SECONDS ?= 5
CHECK_FUZZ_SEED    ?= 1
CHECK_FUZZ_RUNS    ?= 1000
FUZZ_TARGETS       ?=
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=undefined
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_SRC := $(filter-out $(FUZZ_SRC),$(wildcard fuzz/*.c))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(BUILD)/%.o)

fuzz: deps
	$(MAKE) fuzz-build
	$(MAKE) fuzz-run

fuzz-build:
	$(MAKE) -j$$(nproc) CC=clang BUILD=build-fuzz CFLAGS="$(FUZZ_CFLAGS)" \
	        EXTRA_LDFLAGS="-fsanitize=address,undefined" fuzz-bin

fuzz-run:
	FUZZ_BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$(FUZZ_SEED) \
	        FUZZ_RUNS=$(FUZZ_RUNS) fuzz/run.sh $(FUZZ_TARGETS)

fuzz-bin: $(FUZZ_BIN)

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_LIB_OBJ) $(BUILD)/libcutover.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) \
	      $(BUILD)/libcutover.a $(LDLIBS)

tests-bin: $(BUILD)/cutover $(UNIT_BIN) $(TOOL_BIN)

test: tests-bin
	CUTOVER_BUILD=$(BUILD) tests/run

deps:
	@tests/deps.sh

# deps first, then a sub-make: pkg-config flags are read when make parses the Makefile,
# so on a fresh machine they must be read again after the packages are installed.
demo: deps
	$(MAKE) cutover
	@KEEP=$(KEEP) tests/demo.sh

demo-stop:
	@tests/demo-servers.sh stop "$${DEMO_DIR:-demo-out}"

bench: deps
	$(MAKE) cutover
	@bench/run.sh

install: cutover
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 cutover $(DESTDIR)$(PREFIX)/bin/cutover
	install -m 0644 docs/cutover.1 $(DESTDIR)$(PREFIX)/share/man/man1/cutover.1
	install -d $(DESTDIR)$(PREFIX)/share/cutover && cp -R notices/templates $(DESTDIR)$(PREFIX)/share/cutover/

clean:
	rm -rf build build-san build-* cutover
