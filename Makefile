# moleblend Makefile (GNU make). See README.md.
#   make            build every tool into $(BUILD)/bin
#   make test       unit + CLI + pipeline tests; ends with "N passed, N failed"
#   make san        the same under ASan+UBSan (separate build dir)
#   make deps       install the Debian packages the project needs (apt-get)
#   make demo       the main job on data a fresh Debian machine has (rdkit-data)
#   make install PREFIX=/usr/local
.SUFFIXES:
.DELETE_ON_ERROR:

CC ?= cc
CFLAGS ?= -O2 -g
BUILD ?= build
PREFIX ?= /usr/local
STD = -std=c11
ARCH ?= -march=x86-64-v2
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon -MMD -MP
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wformat=2 \
       -Wundef -Wvla -Wwrite-strings -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif
LDLIBS = -lopenblas -larchive -lzstd -lmsgpackc -lm -lpthread
ALLFLAGS = $(STD) $(WARN) $(CPPFLAGS) $(ARCH) $(CFLAGS) $(MOREFLAGS)

COMMON_SRC = $(sort $(wildcard common/*.c))
COMMON_OBJ = $(COMMON_SRC:%.c=$(BUILD)/%.o)
BIN_SRC = $(sort $(wildcard cmds/*.c))
BINS = $(BIN_SRC:cmds/%.c=$(BUILD)/bin/%)
TEST_SRC = $(sort $(wildcard tests/unit/test-*.c))
TESTS = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC = $(sort $(wildcard tests/tools/*.c))
TOOLS = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)

all: $(BINS)

$(BUILD)/libcommon.a: $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(COMMON_OBJ)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -c -o $@ $<

$(BUILD)/bin/%: $(BUILD)/cmds/%.o $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -o $@ $< $(BUILD)/libcommon.a $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -o $@ $< $(BUILD)/libcommon.a $(LDLIBS)

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALLFLAGS) -o $@ $< $(BUILD)/libcommon.a $(LDLIBS)

check-build: $(BINS) $(TESTS) $(TOOLS)

test: check-build
	BUILD=$(BUILD) bash tests/run.sh

san:
	$(MAKE) BUILD=build-san CC=clang CFLAGS="-O1 -g" \
	  MOREFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  MB_SAN=1 test

deps:
	bash .ci/deps.sh

demo:
	bash .ci/deps.sh
	$(MAKE) all
	bash pipelines/demo

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/moleblend/pipelines
	cp $(BINS) $(DESTDIR)$(PREFIX)/bin/
	cp pipelines/* $(DESTDIR)$(PREFIX)/share/moleblend/pipelines/

clean:
	rm -rf build build-san

format:
	clang-format -i common/*.[ch] cmds/*.c tests/unit/*.[ch] tests/tools/*.c

.PHONY: all test san deps demo install clean format check-build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
