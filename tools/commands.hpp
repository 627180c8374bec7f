// The subcommands of the `fp8gemm` tool; each lives in its own file (cmd_<name>.cpp) and registers
// itself on the CLI11 app. main.cpp calls all of them.
#pragma once

namespace CLI {
class App;
}

namespace fp8gemm::tools {

void add_bench_command(CLI::App& app);    // cmd_bench.cpp
void add_check_command(CLI::App& app);    // cmd_check.cpp
void add_compile_command(CLI::App& app);  // cmd_compile.cpp
void add_info_command(CLI::App& app);     // cmd_info.cpp

}  // namespace fp8gemm::tools
