# The two commands of the README, and the steps under them.
#   make test    installs what is missing, builds, runs every C++ and Python test, prints one summary line
#   make bench   installs what is missing, builds, runs the DeepSeek-V3 benchmark (needs a Hopper GPU)
SHELL := /bin/bash
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: test bench build configure deps clean

test: build
	JOBS=$(JOBS) scripts/run-tests $(BUILD_DIR)

bench: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target fp8gemm_cli
	mkdir -p bench/results
	$(BUILD_DIR)/tools/fp8gemm bench --suite deepseek-v3 --json bench/results/latest.json

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)

deps:
	scripts/bootstrap

clean:
	rm -rf $(BUILD_DIR)
