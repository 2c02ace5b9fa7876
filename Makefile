# Kaifang — build, run and test. `make run` and `make test` install what they need.
#
#   make            build build/kaifang and build/libkaifang.a
#   make run        the main job: pilot matrix for today and 2024-06-01, three explanations
#   make test       deps, ASan+UBSan build, unit, golden, CLI, server and fuzz-replay tests, lint
#   make bench      load time and decisions per second on the shipped rulebook
#   make lint       clang-format check and cppcheck

CC      ?= cc
PKGS    := libfyaml jansson libmicrohttpd libcrypto
DEBS    := pkg-config libfyaml-dev libjansson-dev libcmocka-dev libmicrohttpd-dev libcsv-dev libssl-dev
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Iinclude -Isrc
ifeq ($(CI),true)
CFLAGS  += -Werror
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm

B       ?= build
LIB_SRC := $(wildcard src/*.c src/util/*.c)
CLI_SRC := $(wildcard src/cli/*.c src/server/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
HDRS    := $(wildcard include/kaifang/*.h src/*.h src/util/*.h src/cli/*.h src/server/*.h)

.PHONY: all deps run test unit golden cli-tests lint bench clean asan fuzz-replay
all: $(B)/kaifang

deps: $(B)/.deps
$(B)/.deps:
	@mkdir -p $(B)
	@./tools/install-deps.sh $(DEBS)
	@touch $@

$(B)/obj/%.o: %.c $(HDRS) | $(B)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(B)/libkaifang.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/kaifang: $(CLI_OBJ) $(B)/libkaifang.a
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(B)/libkaifang.a $(PKG_LIBS) $(LDFLAGS)

$(B)/tests/%: tests/unit/%.c $(B)/libkaifang.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS) -lcmocka $(LDFLAGS)

TODAY := $(shell date -u +%F)
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

# The test suite runs on a build with AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan: deps
	@$(MAKE) --no-print-directory B=build/asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" build/asan/kaifang $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)

test: deps asan
	@./tests/run-all.sh build/asan
	@$(MAKE) --no-print-directory lint

lint:
	@./tools/lint.sh

bench: $(B)/kaifang $(B)/bench_decide
	@$(B)/bench_decide rulebooks/cn-telecom

$(B)/bench_decide: bench/bench_decide.c $(B)/libkaifang.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(B)/libkaifang.a $(PKG_LIBS)

clean:
	rm -rf build

# Kaifang against GoRules ZEN and json-rules-engine, three rulebook sizes, and a
# 1M-row batch (bench/run_peers.sh; writes the table into docs/performance.md).
bench-peers: $(B)/kaifang $(B)/bench_decide
	@B=$(B) ./bench/run_peers.sh
