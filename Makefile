# Kaifang — build, run and test. `make run` and `make test` install what they need.
#
#   make            build build/kaifang and build/libkaifang.a
#   make run        the main job: pilot matrix for today and 2024-06-01, three explanations
#   make test       deps, ASan+UBSan build, unit, golden, CLI, server and fuzz-replay tests,
#                   the CLI under valgrind, lint
#   make bench      load time and decisions per second on the shipped rulebook
#   make lint       clang-format check and cppcheck
#   make ext-postgres          the PostgreSQL 15 extension (ext/postgres, docs/sql.md);
#   make ext-postgres-install  ... installed into Debian's PostgreSQL (as root)
#   make bench-pg   kf_outcome in SQL against `kaifang batch`, one server and three shards

CC      ?= cc
PKGS    := libfyaml jansson libmicrohttpd libcrypto libutf8proc xlsxwriter libargon2 sqlite3 libpq
DEBS    := pkg-config libfyaml-dev libjansson-dev libcmocka-dev libmicrohttpd-dev libcsv-dev libssl-dev libutf8proc-dev libxlsxwriter-dev libargon2-dev libsqlite3-dev libpq-dev postgresql-15 sqlite3
# the PostgreSQL extension (ext/postgres, docs/sql.md): server, PGXS, postgres_fdw
DEBS    += postgresql-15 postgresql-server-dev-15 postgresql-contrib
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Iinclude -Isrc
ifeq ($(CI),true)
BASE_CFLAGS += -Werror
endif
ALL_CFLAGS = $(BASE_CFLAGS) $(CFLAGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm

B       ?= build
LIB_SRC := $(wildcard src/*.c src/view/*.c src/util/*.c src/rulebook/*.c src/ownership/*.c src/registry/*.c)
CLI_SRC := $(wildcard src/cli/*.c src/server/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
HDRS    := $(wildcard include/kaifang/*.h src/*.h src/view/*.h src/util/*.h src/rulebook/*.h src/ownership/*.h src/registry/*.h src/cli/*.h src/server/*.h)

.PHONY: all deps run test unit golden cli-tests lint bench bench-batch bench-batch-full bench-names bench-timeline clean asan fuzz tsan
all: $(B)/kaifang $(B)/batch_floor

deps: $(B)/.deps
$(B)/.deps:
	@mkdir -p $(B)
	@./tools/install-deps.sh $(DEBS)
	@touch $@

$(B)/obj/%.o: %.c $(HDRS) | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(B)/libkaifang.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/kaifang: $(CLI_OBJ) $(B)/libkaifang.a
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(B)/libkaifang.a $(PKG_LIBS) $(LDFLAGS)

$(B)/tests/%: tests/unit/%.c $(B)/libkaifang.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS) -lcmocka $(LDFLAGS)

# the legal day is China's (UTC+8, no daylight saving), as the library's default date
TODAY := $(shell date -u -d "+8 hours" +%F)
KEY_SERVICES := app-store,isp-end-user,ip-vpn,idc,cdn,online-data-processing
run: $(B)/kaifang
	@echo "== Pilot areas x key services, $(TODAY) =="
	@$(B)/kaifang matrix --date $(TODAY) --regions pilot-20 --services $(KEY_SERVICES)
	@echo
	@echo "== Pilot areas x key services, 2024-06-01 =="
	@$(B)/kaifang matrix --date 2024-06-01 --regions pilot-20 --services $(KEY_SERVICES)
	@echo
	@echo "== kaifang explain --service app-store --region Hangzhou --date $(TODAY) --foreign-share 100 =="
	@$(B)/kaifang explain --service app-store --region Hangzhou --date $(TODAY) --foreign-share 100
	@echo
	@echo "== kaifang explain --service idc --region Shanghai --date $(TODAY) --foreign-share 100 =="
	@$(B)/kaifang explain --service idc --region Shanghai --date $(TODAY) --foreign-share 100
	@echo
	@echo "== kaifang explain --service ip-vpn --region 330100 --date 2024-06-01 --foreign-share 50 =="
	@$(B)/kaifang explain --service ip-vpn --region 330100 --date 2024-06-01 --foreign-share 50
	@echo
	@echo "== Services (rulebooks/cn-services): pilot areas x hospitals, outbound tours, performance brokerage, elderly care, $(TODAY) =="
	@$(B)/kaifang matrix --sector services --date $(TODAY) --regions pilot-20 --services 841,outbound-tours,9053,non-profit-elderly-care

# The test suite runs on a build with AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan: deps
	@$(MAKE) --no-print-directory B=build/asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" build/asan/kaifang $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%) $(FUZZ_NAMES:%=build/asan/fuzz-replay-%)

# Fuzz targets (tests/fuzz/fuzz_NAME.c): replayed over tests/fuzz/corpus/NAME by make test;
# `make fuzz` runs each under libFuzzer (clang) for FUZZ_SECONDS and grows its corpus.
$(B)/fuzz-replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(B)/libkaifang.a
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< tests/fuzz/replay.c $(B)/libkaifang.a $(PKG_LIBS) $(LDFLAGS)

FUZZ_SECONDS ?= 60
fuzz: deps
	@$(MAKE) --no-print-directory B=build/fuzz CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build/fuzz/libkaifang.a
	@for n in $(FUZZ_NAMES); do \
		clang -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -Isrc $(PKG_CFLAGS) -o build/fuzz/fuzz-$$n tests/fuzz/fuzz_$$n.c build/fuzz/libkaifang.a $(PKG_LIBS) || exit 1; \
		mkdir -p build/fuzz/corpus-$$n; \
		echo "== fuzzing $$n for $(FUZZ_SECONDS) s"; \
		build/fuzz/fuzz-$$n -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/crash-$$n- build/fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; \
	done

test: deps asan $(B)/kaifang
	@./tests/run-all.sh build/asan
	@./tests/valgrind.sh $(B)
	@./tests/tsan.sh
	@$(MAKE) --no-print-directory lint

lint:
	@./tools/lint.sh

# Concurrent loads and decisions under ThreadSanitizer (tests/tsan.sh builds B=build/tsan).
tsan:
	@./tests/tsan.sh

$(B)/tsan-concurrent: tests/tsan/concurrent.c $(B)/libkaifang.a
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS) $(LDFLAGS)

bench: $(B)/kaifang $(B)/bench_decide
	@$(B)/bench_decide rulebooks/cn-telecom

# 1M-row batch against awk's one-lookup-per-row floor and a C read-split-write
# loop, in one run (bench/batch_1m.sh; figures in docs/performance.md).
bench-batch: $(B)/kaifang $(B)/batch_floor
	@./bench/batch_1m.sh $(B)/kaifang $(B)/batch_floor

# Basic vs full columns vs XLSX on 200k mostly distinct questions (docs/performance.md);
# OLD=BINARY adds that build's --columns full as a before/after pair.
bench-batch-full: $(B)/kaifang
	@OLD=$(OLD) ./bench/batch_full.sh $(B)/kaifang

$(B)/batch_floor: bench/batch_floor.c
	@mkdir -p $(B)
	$(CC) -O2 -Wall -Wextra -o $@ $<

# Reading names, known and unknown apart (issue 8 item 16), on the large generated rulebook.
bench-names: $(B)/bench_names
	@python3 bench/gen.py --out bench/out --sizes large >/dev/null
	@$(B)/bench_names bench/out/large/rulebook bench/out/large/questions.tsv

$(B)/bench_names: bench/bench_names.c $(B)/libkaifang.a
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS)

# One timeline: decisions and microseconds, against deciding every day (issue 12).
# Load time by region count: cn-services with 10k, 40k and 100k extra zones
# (bench/gen_zones.py; figures in docs/performance.md "Load time by region count").
.PHONY: bench-zones
bench-zones: $(B)/bench_decide
	@python3 bench/gen_zones.py --out bench/out --sizes 10000,40000,100000 >/dev/null
	@for n in 10000 40000 100000; do $(B)/bench_decide bench/out/zones-$$n/cn-services --loads 3 | head -2; done

bench-timeline: $(B)/bench_timeline
	@$(B)/bench_timeline rulebooks/cn-telecom

$(B)/bench_timeline: bench/bench_timeline.c $(B)/libkaifang.a
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS)

$(B)/bench_decide: bench/bench_decide.c $(B)/libkaifang.a
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS)

# The registry (issue 11): 1M events appended with the Merkle tree on SQLite and
# PostgreSQL, verify over them, stats over 100k applications (bench/registry/run.sh).
bench-registry: $(B)/bench_registry
	@B=$(B) ./bench/registry/run.sh

$(B)/bench_registry: bench/registry/bench_registry.c $(B)/libkaifang.a
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS)

# The registry log's Merkle work per event against a SHA-256 floor, in one run
# (bench/bench_merkle.c; docs/performance.md "Registry log").
bench-merkle: $(B)/bench_merkle
	@$(B)/bench_merkle 1000000

$(B)/bench_merkle: bench/bench_merkle.c $(B)/libkaifang.a
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS)

clean:
	rm -rf build

# Look-through ownership at national scale (bench/ownership/run.sh): 1M, 2M and 10M
# entities against DuckDB read_csv (npm peer pinned in bench/ownership/package.json,
# installed here, not by make test), the cycle step against scipy, networkx/scipy on
# 200k, BODS/GLEIF against jansson; answers checked equal; figures in docs/performance.md.
bench-ownership: $(B)/libkaifang.a
	$(CC) -O2 -o $(B)/bench_ownership_gen bench/ownership/gen.c
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -o $(B)/bench_ownership bench/ownership/bench.c $(B)/libkaifang.a $(PKG_LIBS) -ljansson -lcsv -lm
	@B=$(B) ./bench/ownership/run.sh

# Kaifang against GoRules ZEN and json-rules-engine, three rulebook sizes, and a
# 1M-row batch (bench/run_peers.sh; writes the table into docs/performance.md).
bench-peers: $(B)/kaifang $(B)/bench_decide
	@B=$(B) ./bench/run_peers.sh

# The PostgreSQL extension (ext/postgres, docs/sql.md): PGXS links the library
# built position-independent in build/pic. Installing writes into PostgreSQL's
# directories, so it runs as root (or through sudo).
ext-postgres: deps
	@$(MAKE) --no-print-directory B=build/pic CFLAGS="-O2 -g -fPIC" build/pic/libkaifang.a
	@$(MAKE) --no-print-directory -C ext/postgres

ext-postgres-install: ext-postgres
	@if [ "$$(id -u)" -eq 0 ]; then $(MAKE) --no-print-directory -s -C ext/postgres install; \
	else sudo $(MAKE) --no-print-directory -s -C ext/postgres install; fi

# kf_outcome over 1M rows on one server and on three shards, against `kaifang
# batch` over the same rows (bench/pg/run.sh; figures in docs/performance.md).
bench-pg: ext-postgres-install $(B)/kaifang
	@./bench/pg/run.sh $(B)/kaifang

.PHONY: ext-postgres ext-postgres-install bench-pg
