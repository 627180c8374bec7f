// Shape options (--shape M,N,K, shared by `fp8gemm bench` and `fp8gemm check`; bench's --contiguous
// and --masked): checked while the command line is parsed, so a typo is reported before any GPU work.
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

#include "support/suites.hpp"

namespace fp8gemm::tools {

// A validator that accepts what `parse` (one of suites.hpp's parse_*shape) accepts; `form` names the
// fields in the help text.
template <class Parse>
CLI::Validator shape_validator(Parse parse, const char* form) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        try {
          parse(text);
          return "";
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
      },
      form);
}

inline CLI::Validator shape_validator() { return shape_validator(support::parse_shape, "M,N,K"); }

}  // namespace fp8gemm::tools
