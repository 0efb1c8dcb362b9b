# gavel - a terminal workbench for auditing LLM image labels.
#   make          build ./gavel
#   make demo     install what is missing, build, make a demo database from samples/
#   make check    install what is missing, build, run every test (then again under ASan/UBSan)
# Objects go to $(BUILD); `make check-asan` builds a sanitized copy in build/asan.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
BIN     ?= gavel
SANITIZE ?=

CC      ?= cc
PKGS     = ncursesw libsixel sqlite3 libcurl libcjson libpng libutf8proc libcrypto
# Lazy (=) so pkg-config only runs once `make deps` has installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -ljpeg -lpthread -lm
WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -I. $(WARN) $(CFLAGS) $(PKG_CFLAGS)
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

SRCS     = $(wildcard src/*/*.c db/*.c ui/*.c)
OBJS     = $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS = $(filter-out $(BUILD)/src/cmd/main.o,$(OBJS))
TEST_SRCS = $(wildcard tests/unit/test_*.c)
TEST_BINS = $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRCS = $(wildcard tests/tools/*.c)
TOOL_BINS = $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)

# Debian packages: what building needs, and what the tests add.
DEPS_BUILD = gcc make pkg-config libncurses-dev libsixel-dev libsqlite3-dev \
	libcurl4-openssl-dev libcjson-dev libjpeg62-turbo-dev libpng-dev libutf8proc-dev libssl-dev
DEPS_TEST  = python3 sqlite3 time curl tmux xterm xvfb xdotool imagemagick x11-utils zsh \
	fonts-dejavu-core xfonts-base xauth libsixel-bin chafa clang libclang-rt-14-dev

.PHONY: all check check-run check-asan demo deps deps-build lint format install clean bench tests

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS)

$(BUILD)/tools/%: tests/tools/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS)

tests: $(BIN) $(TEST_BINS) $(TOOL_BINS)

# Installs the missing Debian packages (only those), as root or through sudo.
deps:
	@tests/deps.sh $(DEPS_BUILD) $(DEPS_TEST)
deps-build:
	@tests/deps.sh $(DEPS_BUILD)

# Builds on every core; tests/run.sh then runs a test per core at a time.
JOBS := $(shell nproc 2>/dev/null || echo 1)
check: deps
	$(MAKE) -j$(JOBS) check-run
	$(MAKE) -j$(JOBS) check-asan

check-run: tests
	tests/run.sh $(abspath $(BIN)) $(abspath $(BUILD))

check-asan:
	$(MAKE) BUILD=build/asan BIN=build/asan/gavel SANITIZE=1 CFLAGS="-O1 -g" check-run

# The demo database is kept between runs: reviews made in it survive quitting
# and running `make demo` again (import and label only add what is missing).
DEMO_DB = $(BUILD)/demo.db
demo: deps-build
	$(MAKE) -j$(JOBS) all
	@mkdir -p $(BUILD)
	@[ -f $(DEMO_DB) ] || ./$(BIN) init --db $(DEMO_DB)
	./$(BIN) import --db $(DEMO_DB) samples/manifest.jsonl
	./$(BIN) label --db $(DEMO_DB) --provider heuristic
	./$(BIN) stats --db $(DEMO_DB)
	@if [ -t 0 ] && [ -t 1 ]; then ./$(BIN) review --db $(DEMO_DB); \
	else echo "not on a terminal: open the review UI with ./$(BIN) review --db $(DEMO_DB)"; fi

bench: $(BIN)
	tests/bench/run.sh $(abspath $(BIN))

# lint: the layering rules, then the formatting of the C files changed against HEAD
# and since the branch left main (both run; either failing fails it).
lint: $(BIN)
	@rc=0; tests/lint.sh . $(BUILD) || rc=1; tests/format.sh . || rc=1; exit $$rc

# format: clang-format the changed C files in place; ALL=1 formats every one.
format:
	tests/format.sh --fix $(if $(ALL),--all) .

# The completion scripts come from the binary (gavel completion bash|zsh).
BASH_COMPLETION_DIR = $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR  = $(PREFIX)/share/zsh/site-functions
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(BASH_COMPLETION_DIR) $(DESTDIR)$(ZSH_COMPLETION_DIR)
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/gavel
	install -m 644 docs/gavel.1 $(DESTDIR)$(PREFIX)/share/man/man1/gavel.1
	./$(BIN) completion bash >$(DESTDIR)$(BASH_COMPLETION_DIR)/gavel
	./$(BIN) completion zsh >$(DESTDIR)$(ZSH_COMPLETION_DIR)/_gavel

clean:
	rm -rf build gavel

-include $(OBJS:.o=.d)
