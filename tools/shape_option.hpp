// The --shape M,N,K option shared by `fp8gemm bench` and `fp8gemm check`: checked while the command
// line is parsed, so a typo is reported before any GPU work.
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

#include "support/suites.hpp"

namespace fp8gemm::tools {

inline CLI::Validator shape_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          support::parse_shape(text);
          return "";
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
      },
      "M,N,K");
}

}  // namespace fp8gemm::tools
