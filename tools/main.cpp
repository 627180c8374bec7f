// The `fp8gemm` command: bench, check, compile, info (one file per subcommand, see commands.hpp).
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"fp8gemm: FP8 GEMMs with fine-grained scaling for NVIDIA Hopper"};
  app.require_subcommand(1);
  fp8gemm::tools::add_bench_command(app);
  fp8gemm::tools::add_check_command(app);
  fp8gemm::tools::add_compile_command(app);
  fp8gemm::tools::add_info_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Also how a subcommand ends with its own exit status (CLI::RuntimeError(code)).
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "fp8gemm: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
