// fp8gemm._C.compile: ahead-of-time compilation (src/jit/ahead_of_time.hpp) for the Python package.
// Layers arrive as text ("normal:N:K", "masked:N:K:G", or a suite name such as "deepseek-v3"); the
// Python layer (fp8gemm/ahead_of_time.py) turns tuples into that text and documents the function.
#include "ahead_of_time.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <vector>

#include "fp8gemm/fp8gemm.hpp"
#include "jit/ahead_of_time.hpp"
#include "runtime/driver.hpp"

namespace nb = nanobind;

namespace {

// SMs the kernels are chosen for when the caller gives none: the current GPU's (as set_num_sms
// leaves it), or an H100's 132 on a machine without one.
constexpr int kDefaultSms = 132;

nb::dict kernel_dict(const fp8gemm::CompiledKernel& k) {
  nb::dict d;
  d["name"] = k.name;
  d["cached"] = k.cached;
  d["seconds"] = k.seconds;
  d["error"] = k.error;
  return d;
}

nb::dict compile(const std::vector<std::string>& layers, int64_t m_min, int64_t m_max, const std::string& arch,
                 int num_sms, int jobs, nb::object progress) {
  fp8gemm::CompileRequest request;
  for (const std::string& text : layers) {
    if (text.find(':') == std::string::npos) {
      for (const fp8gemm::LayerSpec& l : fp8gemm::layer_suite(text)) request.layers.push_back(l);
    } else {
      request.layers.push_back(fp8gemm::parse_layer(text));
    }
  }
  request.m_min = m_min;
  request.m_max = m_max;
  request.arch = arch;
  request.num_sms = num_sms > 0 ? num_sms : fp8gemm::runtime::driver_available() ? fp8gemm::get_num_sms() : kDefaultSms;
  request.jobs = jobs;

  // Runs on the compiling threads, one call at a time: takes the GIL, lets Ctrl-C stop the run, and
  // reports progress. A Python exception raised here ends the run and is re-raised by compile().
  auto on_kernel = [&progress](const fp8gemm::CompiledKernel& k, int done, int total) {
    nb::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw nb::python_error();
    if (!progress.is_none()) progress(kernel_dict(k), done, total);
  };
  fp8gemm::CompileSummary summary;
  {
    nb::gil_scoped_release release;
    summary = fp8gemm::compile_ahead_of_time(request, on_kernel);
  }
  nb::list kernels;
  for (const fp8gemm::CompiledKernel& k : summary.kernels) kernels.append(kernel_dict(k));
  nb::dict result;
  result["compiled"] = summary.compiled;
  result["cached"] = summary.cached;
  result["failed"] = summary.failed;
  result["seconds"] = summary.seconds;
  result["num_sms"] = request.num_sms;
  result["kernels"] = kernels;
  return result;
}

}  // namespace

void bind_ahead_of_time(nb::module_& m) {
  m.def("compile", &compile, nb::arg("layers"), nb::arg("m_min"), nb::arg("m_max"), nb::arg("arch"), nb::arg("num_sms"),
        nb::arg("jobs"), nb::arg("progress").none(), "Fills the kernel cache ahead of time. See fp8gemm.compile.");
  m.def("layer_suite_names", &fp8gemm::layer_suite_names, "Names of the built-in layer lists (e.g. deepseek-v3).");
}
