// Registers fp8gemm._C.compile and layer_suite_names (ahead_of_time.cpp) on the module.
#pragma once

#include <nanobind/nanobind.h>

void bind_ahead_of_time(nanobind::module_& m);
