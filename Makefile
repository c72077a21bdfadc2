# meldwijzer: build, test, run, fuzz, install.
# `make check` and `make run` first bring in what is missing (scripts/install-deps).

CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
BUILD ?= build
CFLAGS ?= -O2 -g
WERROR ?=
DATADIR ?= $(CURDIR)/data
WEBDIR ?= $(CURDIR)/web

# SANITIZE=1: AddressSanitizer + UndefinedBehaviorSanitizer, in a build folder of its own.
ifeq ($(SANITIZE),1)
BUILD := $(BUILD)/sanitize
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

LIBS_PKG = jansson libmicrohttpd libqrencode inih libsodium sqlite3 libpq liboath pwquality
WARNINGS = -std=c11 -Wall -Wextra -Wshadow -Wconversion -Wformat=2 -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wvla $(if $(WERROR),-Werror)
ALL_CFLAGS = $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
	     $(shell $(PKG_CONFIG) --cflags $(LIBS_PKG)) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)
LIBS = $(shell $(PKG_CONFIG) --libs $(LIBS_PKG))
TEST_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)

CORE_SOURCES = src/strbuf.c src/jsonkeys.c src/timefmt.c src/hours.c src/kb.c src/assess.c src/situation.c \
	       src/text.c src/route.c src/contract.c src/wegwijzer.c src/render.c src/qr.c src/config.c \
	       src/http.c src/http_form.c src/web.c src/web_page.c src/page_cache.c src/web_static.c src/web_public.c src/web_guide.c \
	       src/web_signals.c src/web_api.c src/crypt.c src/db.c src/db_sqlite.c src/db_pg.c src/report.c \
	       src/session.c src/ratelimit.c src/web_report.c src/web_staff.c src/thread_role.c src/utf8.c src/texts.c src/totp.c src/staff.c src/audit.c \
	       src/case.c src/web_cases.c src/metrics.c src/purge_job.c
# Made at build time: each backend's migrations (db/BACKEND/NNN_*.sql) as a C file, so that the
# program carries its own schema and needs no SQL files where it runs.
# The PostgreSQL migrations must have the same numbers and names as SQLite's (checked there), so
# that a schema version means the same on both.
GENERATED_SOURCES = $(BUILD)/gen/db_sqlite_migrations.c $(BUILD)/gen/db_pg_migrations.c
CORE_OBJECTS = $(CORE_SOURCES:src/%.c=$(BUILD)/%.o) $(BUILD)/db_sqlite_migrations.o $(BUILD)/db_pg_migrations.o
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
BINARY = $(BUILD)/meldwijzer

.PHONY: all deps check unit-check cli-check run fuzz bench install clean FORCE

all: $(BINARY)

deps:
	@scripts/install-deps

$(BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/db_sqlite_migrations.c: scripts/embed-migrations $(wildcard db/sqlite/*.sql)
	@mkdir -p $(@D)
	scripts/embed-migrations db_sqlite db/sqlite > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/db_pg_migrations.c: scripts/embed-migrations $(wildcard db/postgresql/*.sql) $(wildcard db/sqlite/*.sql)
	@mkdir -p $(@D)
	scripts/embed-migrations db_pg db/postgresql db/sqlite > $@.tmp && mv $@.tmp $@

$(BUILD)/db_%_migrations.o: $(BUILD)/gen/db_%_migrations.c
	$(CC) $(ALL_CFLAGS) -Isrc -c $< -o $@

# cli.o carries DATADIR and WEBDIR (the defaults of --data and --web): it is made again when either
# changes, so that a `make install` with another PREFIX does not keep the folders of the last one.
$(BUILD)/folders: FORCE
	@mkdir -p $(@D)
	@printf '%s\n%s\n' '$(DATADIR)' '$(WEBDIR)' | cmp -s - $@ || printf '%s\n%s\n' '$(DATADIR)' '$(WEBDIR)' > $@

$(BUILD)/cli.o: src/cli.c $(BUILD)/folders
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DMELDWIJZER_DATADIR='"$(DATADIR)"' -DMELDWIJZER_WEBDIR='"$(WEBDIR)"' -c $< -o $@

$(BUILD)/libmeldwijzer.a: $(CORE_OBJECTS)
	ar rcs $@ $^

$(BINARY): $(BUILD)/cli.o $(BUILD)/libmeldwijzer.a
	$(CC) $(ALL_LDFLAGS) $^ $(LIBS) -lpthread -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libmeldwijzer.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc -DTEST_DATADIR='"$(CURDIR)/data"' -DTEST_BINARY='"$(CURDIR)/$(BINARY)"' \
		$< $(BUILD)/libmeldwijzer.a \
		$(ALL_LDFLAGS) $(LIBS) $(TEST_LIBS) -o $@

# The README's test command. VALGRIND=1 runs every test binary under valgrind.
# A throwaway PostgreSQL 15 cluster (scripts/pg-test-cluster, in a temporary folder, on a unix
# socket, stopped and removed at the end whatever happens) serves the PostgreSQL half: the db
# contract suite and the case tests run on it as well as on SQLite, and so do the HTTP and browser tests
# (scripts/run-tests). No cluster, no check: PostgreSQL is never left out silently.
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_TESTS)
	@url=$$(scripts/pg-test-cluster start) || exit 1; \
	trap 'scripts/pg-test-cluster stop "$$url"' EXIT; trap 'exit 130' INT TERM; \
	BUILD=$(BUILD) VALGRIND=$(VALGRIND) MELDWIJZER_TEST_PG="$$url" scripts/run-tests $(UNIT_TESTS)

# Builds and starts the website on http://127.0.0.1:8080/ (LISTEN=ADDR:PORT to change).
LISTEN ?= 127.0.0.1:8080
# A demo database is made on first use; its recovery key goes to var/demo-recovery-key.txt
# (a demo only: a real recovery key is printed once and kept offline).
run: deps
	@$(MAKE) --no-print-directory all
	@if [ ! -f var/meldwijzer.db ]; then mkdir -p var && umask 077 && \
		$(BINARY) init --db sqlite:var/meldwijzer.db > var/demo-recovery-key.txt && \
		echo "meldwijzer: demo database var/meldwijzer.db made; recovery key in var/demo-recovery-key.txt"; fi
	$(BINARY) serve --listen $(LISTEN) --db sqlite:var/meldwijzer.db --config web/demo.ini

# libFuzzer targets (clang); FUZZ_SECONDS each. Seeds: tests/fuzz/corpus/NAME, and for the
# template fuzzer the real templates in web/templates.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
$(BUILD)/fuzz/%: tests/fuzz/%.c $(CORE_SOURCES) $(GENERATED_SOURCES) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(@D)
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(shell $(PKG_CONFIG) --cflags $(LIBS_PKG)) \
		-DTEST_DATADIR='"$(CURDIR)/data"' $< $(CORE_SOURCES) $(GENERATED_SOURCES) $(LIBS) -o $@
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@set -e; for target in $(FUZZ_TARGETS); do \
		name=$$(basename $$target); mkdir -p $(BUILD)/fuzz/corpus-$$name; \
		seeds=""; [ -d tests/fuzz/corpus/$$name ] && seeds=tests/fuzz/corpus/$$name; \
		[ $$name = fuzz_template ] && seeds="$$seeds web/templates"; \
		echo "fuzzing $$name for $(FUZZ_SECONDS) s"; \
		if ! $$target -max_total_time=$(FUZZ_SECONDS) -max_len=262144 -print_final_stats=1 \
			$(BUILD)/fuzz/corpus-$$name $$seeds > $(BUILD)/fuzz/$$name.log 2>&1; then \
			tail -n 60 $(BUILD)/fuzz/$$name.log; echo "fuzz: $$name found a problem"; exit 1; \
		fi; \
		grep -E '^(Done|stat::number_of_executed_units)' $(BUILD)/fuzz/$$name.log; \
	done

# Benchmark on loopback against nginx in the same run (BENCH_SECONDS per row).
BENCH_SECONDS ?= 10
BENCH_PROGRAMS = $(BUILD)/bench/sqlite_inserts $(BUILD)/bench/pg_inserts $(BUILD)/bench/queue_fill \
	$(BUILD)/bench/cases_account $(BUILD)/bench/sync_delay.so
bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_PROGRAMS)
	BUILD=$(BUILD) bench/run $(BENCH_SECONDS)

# The plain-SQLite baseline of the submission benchmark, with the backend's settings.
$(BUILD)/bench/sqlite_inserts: bench/sqlite_inserts.c src/db_sqlite.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc $< $(ALL_LDFLAGS) $(shell $(PKG_CONFIG) --libs sqlite3) -o $@

# The emulated disk of the submission rows (LD_PRELOAD: every sync takes SYNC_DELAY_US). Never built with
# the sanitizers: it is loaded into programs that are not.
$(BUILD)/bench/sync_delay.so: bench/sync_delay.c
	@mkdir -p $(@D)
	$(CC) $(WARNINGS) $(CFLAGS) -fPIC -shared $< -o $@ -ldl

# The plain-PostgreSQL baseline, with the backend's durability (synchronous_commit=on).
$(BUILD)/bench/pg_inserts: bench/pg_inserts.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< $(ALL_LDFLAGS) $(shell $(PKG_CONFIG) --libs libpq) -o $@

# The case queue's generated databases (issue 15): reports and worked cases, SQLite or PostgreSQL.
$(BUILD)/bench/queue_fill: bench/queue_fill.c src/timefmt.c src/timefmt.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc bench/queue_fill.c src/timefmt.c $(ALL_LDFLAGS) \
		$(shell $(PKG_CONFIG) --libs sqlite3 libpq) -o $@

# Activates the queue bench's caseworker: the HTTP tests' stand-in for the activation page.
$(BUILD)/bench/cases_account: tests/http/cases_account.c $(BUILD)/libmeldwijzer.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc $< $(BUILD)/libmeldwijzer.a $(ALL_LDFLAGS) $(LIBS) -lpthread -o $@

# `make install` (PREFIX, DESTDIR): the program, built once more (in $(BUILD)/install) with the
# installed folders as the defaults of --data and --web, so that the installed program needs neither;
# its knowledge base, web files (templates, static files, texts) and man page; the systemd unit and the
# nginx site as examples, the unit's paths made PREFIX's (docs/operations.md installs them).
SHAREDIR = $(PREFIX)/share/meldwijzer
DOCDIR = $(PREFIX)/share/doc/meldwijzer
install:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/install DATADIR=$(SHAREDIR)/data WEBDIR=$(SHAREDIR)/web all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHAREDIR)/data $(DESTDIR)$(SHAREDIR)/web/templates \
		$(DESTDIR)$(SHAREDIR)/web/static $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(DOCDIR)/examples
	install -m 755 $(BUILD)/install/meldwijzer $(DESTDIR)$(PREFIX)/bin/meldwijzer
	install -m 644 data/*.json $(DESTDIR)$(SHAREDIR)/data/
	install -m 644 web/strings.json $(DESTDIR)$(SHAREDIR)/web/
	install -m 644 web/templates/*.html $(DESTDIR)$(SHAREDIR)/web/templates/
	install -m 644 web/static/* $(DESTDIR)$(SHAREDIR)/web/static/
	install -m 644 docs/meldwijzer.1 $(DESTDIR)$(PREFIX)/share/man/man1/meldwijzer.1
	install -m 644 docs/operations.md docs/security.md $(DESTDIR)$(DOCDIR)/
	sed 's|/usr/local/|$(PREFIX)/|g' deploy/meldwijzer.service > $(DESTDIR)$(DOCDIR)/examples/meldwijzer.service
	chmod 644 $(DESTDIR)$(DOCDIR)/examples/meldwijzer.service
	install -m 644 deploy/nginx-meldwijzer.conf $(DESTDIR)$(DOCDIR)/examples/nginx-meldwijzer.conf

clean:
	rm -rf build

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
