# shellcheck shell=bash
# Sourced by scripts/gpu-check, scripts/bench-ab and scripts/config-sweep (with ROOT set to the checkout):
# the compilers and the dependency prefix every build on the GPU machine uses, and a build of the
# fp8gemm command-line tool.

# The first g++ on PATH of some GPU images links libstdc++ statically, which crashes Python extensions
# (two copies of the C++ runtime in one process): use the system compilers unless told otherwise.
# CC and CXX from the environment are not trusted for the same reason.
export CC=${GPU_CHECK_CC:-/usr/bin/gcc} CXX=${GPU_CHECK_CXX:-/usr/bin/g++}
export CUDAHOSTCXX=$CXX
# What the machine lacks (CLI11, nlohmann-json, the GoogleTest sources), unpacked from .deps/debs.
PREFIX=$ROOT/.deps/prefix
CMAKE_COMMON=(-DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CUDA_HOST_COMPILER="$CUDAHOSTCXX"
              -DCMAKE_PREFIX_PATH="$PREFIX/usr" -DFP8GEMM_GTEST_SRC="$PREFIX/usr/src/googletest")

# unpack_deps: fills PREFIX from .deps/debs once (nothing to do without .deps/debs or when done).
unpack_deps() {
  [ -d "$ROOT/.deps/debs" ] && [ ! -d "$PREFIX/usr" ] || return 0
  python3 "$ROOT/scripts/unpack-debs" "$ROOT/.deps/debs" "$PREFIX"
}

# build_tool SRC BUILD LOG: configures and builds the release fp8gemm tool (no tests) of source tree SRC
# in BUILD, all output in LOG; on failure prints the log's last lines and returns 1.
build_tool() {
  local src=$1 build=$2 log=$3
  if ! { cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFP8GEMM_BUILD_TESTS=OFF \
           "${CMAKE_COMMON[@]}" && cmake --build "$build"; } >"$log" 2>&1; then
    echo "building $src failed; last lines of $log:" >&2
    tail -n 25 "$log" >&2
    return 1
  fi
}
