# mailwarden — plain GNU make.
#   make            build ./mailwarden (-O2, warnings are errors)
#   make deps       install Debian 12 build + test dependencies (apt-get)
#   make check      build with ASan+UBSan and run every test (SANITIZE= to turn off)
#   make fuzz       build the libFuzzer targets and run each FUZZ_SECONDS
#   make bench      reproducible benchmarks (bench/README.md)
#   make corpus     CORPUS=DIR: detection on the real-malware corpus (tests/corpus/measure)
#   make install    PREFIX=/usr/local DESTDIR=
.SUFFIXES:
.DELETE_ON_ERROR:

PREFIX     ?= /usr/local
DESTDIR    ?=
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/mailwarden
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system

CC         ?= cc
BUILD      ?= build/release
SAN        ?= $(SANITIZE)
VECTORSCAN ?= auto
FUZZ_SECONDS ?= 60

# make check uses ASan+UBSan unless SANITIZE is given (SANITIZE= turns it off).
ifeq ($(origin SANITIZE),undefined)
CHECK_SAN := address,undefined
else
CHECK_SAN := $(SANITIZE)
endif

PKGS := libpcre2-8 libmagic libnftnl libmnl libcares libsystemd zlib sqlite3 jansson inih libcrypto
ifeq ($(VECTORSCAN),auto)
HAVE_HS := $(shell pkg-config --exists libhs 2>/dev/null && echo 1)
else ifeq ($(VECTORSCAN),1)
HAVE_HS := 1
endif
ifeq ($(HAVE_HS),1)
PKGS += libhs
HS_DEF := -DMW_HAVE_VECTORSCAN=1
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
           -Wstrict-prototypes -Wmissing-prototypes -Wvla
CFLAGS  ?= -O2 -g
FORTIFY := -D_FORTIFY_SOURCE=2
ifneq ($(SAN),)
SANFLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
FORTIFY  :=
endif
ALL_CFLAGS  = $(CFLAGS) -std=gnu11 $(WARN) -I. -pthread -fstack-protector-strong \
              $(FORTIFY) -fno-strict-aliasing $(HS_DEF) $(SANFLAGS) \
              -DMW_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) -pthread $(SANFLAGS)
ALL_LDLIBS  = $(LDLIBS) $(PKG_LIBS) -lm

SRCDIRS := core sysconf reports cli audit scanner scanner/* signatures firewall
SRC     := $(sort $(foreach d,$(SRCDIRS),$(wildcard $(d)/*.c)))
LIBSRC  := $(filter-out cli/main.c,$(SRC))
OBJ     := $(SRC:%.c=$(BUILD)/%.o)
LIBOBJ  := $(LIBSRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/tests/%)
E2E      := $(sort $(wildcard tests/e2e/*.sh))

.PHONY: all deps check unit fuzz fuzz-build fuzz-regress bench corpus install uninstall \
        clean banned tests-build

all: mailwarden

mailwarden: $(BUILD)/mailwarden
	cp -f $< $@

$(BUILD)/mailwarden: $(OBJ) | banned
	@$(if $(Q),echo "  LD    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OBJ) $(ALL_LDLIBS)

V ?= 0
ifeq ($(V),0)
Q := @
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBOBJ) $(ALL_LDFLAGS) $(ALL_LDLIBS) -lcmocka

-include $(OBJ:.o=.d)

banned:
	@scripts/banned-functions

deps:
	scripts/install-deps

tests-build: $(BUILD)/mailwarden $(UNIT_BIN) $(BUILD)/bench/php-norm

# Lexer/normaliser throughput and token dumps (bench/README.md,
# tests/e2e/php-tokens.sh).
$(BUILD)/bench/php-norm: bench/php-norm.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBOBJ) $(ALL_LDFLAGS) $(ALL_LDLIBS)

# The one test entry point. Unit tests (cmocka), then end-to-end scripts
# against real Postfix/dnsmasq/nftables, then the fuzzers over their seeds.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# A leak found at exit makes the sanitized binary exit 23: under ASan it
# would exit 1, which the e2e scripts read as "findings" and let pass.
LSAN_EXIT := LSAN_OPTIONS=exitcode=23
check:
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/check SAN=$(CHECK_SAN) tests-build
	@$(MAKE) --no-print-directory -j$(JOBS) memmem-test
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-build
	$(LSAN_EXIT) MW_BIN=$(CURDIR)/build/check/mailwarden MW_TOP=$(CURDIR) \
	  tests/run $(UNIT_SRC:tests/unit/%.c=build/check/tests/%) \
	  build/check/tests/test_sig_memmem $(E2E) \
	  $(FUZZ_BIN:%=fuzz-regress:%)

# The matcher's fallback without Vectorscan (make VECTORSCAN=0): its unit
# tests, built on their own, run by make check as test_sig_memmem.
.PHONY: memmem-test
memmem-test:
	@$(MAKE) --no-print-directory BUILD=build/check-memmem VECTORSCAN=0 \
	  SAN=$(CHECK_SAN) build/check-memmem/tests/test_sig
	@mkdir -p build/check/tests
	cp -f build/check-memmem/tests/test_sig build/check/tests/test_sig_memmem

unit:
	@$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/check SAN=$(CHECK_SAN) tests-build
	$(LSAN_EXIT) MW_BIN=$(CURDIR)/build/check/mailwarden MW_TOP=$(CURDIR) \
	  tests/run $(UNIT_SRC:tests/unit/%.c=build/check/tests/%)

# libFuzzer targets: the library compiled with clang and coverage.
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="-O1 -g" \
	  SAN=fuzzer-no-link,address,undefined fuzz-bins

fuzz-bins: $(FUZZ_BIN)

build/fuzz/tests/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBOBJ) $(ALL_LDFLAGS) $(ALL_LDLIBS)

fuzz: fuzz-build
	@set -e; for f in $(FUZZ_BIN); do \
	  n=$${f##*/}; mkdir -p build/fuzz/corpus/$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=5 \
	    -artifact_prefix=build/fuzz/ build/fuzz/corpus/$$n tests/fuzz/corpus/$$n; \
	done

# Scan (tree, floor reader, grep), log parsing (2 GB log), DNSBL timing,
# queue analysis (10,000 recorded messages).
bench: all
	@rc=0; bench/run || rc=1; bench/logs.sh || rc=1; bench/dnsbl.sh || rc=1; \
	  bench/queue.sh || rc=1; bench/watch.sh || rc=1; bench/policyd.sh || rc=1; exit $$rc

# Detection on the real-malware corpus (../shared/corpus/build.sh makes it,
# outside the repository): measure.sh's line and a per-rule table. Not part
# of make check, which must not need the corpus.
CORPUS ?=
MEASURE ?= ../shared/corpus/measure.sh
corpus: all
	@test -n "$(CORPUS)" || { echo "usage: make corpus CORPUS=DIR [MEASURE=path/to/measure.sh]" >&2; exit 2; }
	tests/corpus/measure "$(CORPUS)" "$(MEASURE)"

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(DATADIR)/signatures $(DESTDIR)$(SYSCONFDIR)
	install -m 0755 mailwarden $(DESTDIR)$(SBINDIR)/mailwarden
	install -m 0644 docs/mailwarden.8 $(DESTDIR)$(MANDIR)/man8/mailwarden.8
	install -m 0644 docs/mailwarden.conf.5 $(DESTDIR)$(MANDIR)/man5/mailwarden.conf.5
	@set -e; for r in signatures/*.rules signatures/tamper.table; do \
	  [ -e "$$r" ] || continue; \
	  install -m 0644 "$$r" $(DESTDIR)$(DATADIR)/signatures/; done
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/mailwarden.conf ]; then \
	  echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/mailwarden.conf"; \
	else install -m 0644 docs/mailwarden.conf.example $(DESTDIR)$(SYSCONFDIR)/mailwarden.conf; fi
	@set -e; for u in systemd/*.service systemd/*.timer systemd/*.socket; do \
	  [ -e "$$u" ] || continue; install -d $(DESTDIR)$(UNITDIR); \
	  sed 's|@SBINDIR@|$(SBINDIR)|g' "$$u" > $(DESTDIR)$(UNITDIR)/$${u##*/}; \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/}; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mailwarden $(DESTDIR)$(MANDIR)/man8/mailwarden.8 \
	  $(DESTDIR)$(MANDIR)/man5/mailwarden.conf.5
	rm -rf $(DESTDIR)$(DATADIR)
	@for u in systemd/*.service systemd/*.timer systemd/*.socket; do \
	  [ -e "$$u" ] || continue; rm -f $(DESTDIR)$(UNITDIR)/$${u##*/}; done
	@echo "left $(DESTDIR)$(SYSCONFDIR)/mailwarden.conf and /var/lib/mailwarden in place"

clean:
	rm -rf build mailwarden
