// fp8gemm._C: the nanobind module over the C++ API.
//
// Tensors arrive through DLPack (PyTorch, JAX, CuPy, ...) and become fp8gemm::TensorView. The Python
// layer (fp8gemm/gemm.py) unpacks the (tensor, scales) pairs and chooses the stream; this module checks
// what only the DLPack header tells (is it a tensor, its dtype, its device) so that each argument's
// error names it, then hands the views to the C++ entry points, which check every shape and layout rule.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "ahead_of_time.hpp"
#include "fp8gemm/fp8gemm.hpp"

namespace nb = nanobind;

namespace {

// DLPack codes (dlpack.h: DLDataTypeCode, DLDeviceType). Written out because nanobind releases before
// DLPack 1.1 support have no names for the float8 codes.
constexpr uint8_t kDLInt = 0;
constexpr uint8_t kDLUInt = 1;
constexpr uint8_t kDLFloat = 2;
constexpr uint8_t kDLBfloat = 4;
constexpr uint8_t kDLFloat8_e4m3fn = 10;
constexpr int kDLCPU = 1;
constexpr int kDLCUDA = 2;
constexpr int kDLCUDAHost = 3;
constexpr int kDLCUDAManaged = 13;

// Which DLPack dtypes stand for each library dtype. Raw-bit integer dtypes are accepted where a framework
// has no FP8 or BF16 type of its own (CuPy, NumPy) or cannot export it: uint8/int8 hold E4M3 codes,
// uint16 BF16 bits.
bool dtype_matches(nb::dlpack::dtype t, fp8gemm::DType expect) {
  if (t.lanes != 1) return false;
  switch (expect) {
    case fp8gemm::DType::e4m3:
      return t.bits == 8 && (t.code == kDLFloat8_e4m3fn || t.code == kDLUInt || t.code == kDLInt);
    case fp8gemm::DType::f32: return t.bits == 32 && t.code == kDLFloat;
    case fp8gemm::DType::bf16: return t.bits == 16 && (t.code == kDLBfloat || t.code == kDLUInt);
    case fp8gemm::DType::i32: return t.bits == 32 && t.code == kDLInt;
    case fp8gemm::DType::f16: return t.bits == 16 && t.code == kDLFloat;
  }
  return false;
}

std::string expected_text(fp8gemm::DType expect) {
  switch (expect) {
    case fp8gemm::DType::e4m3: return "float8_e4m3fn (or uint8/int8 holding E4M3 codes)";
    case fp8gemm::DType::bf16: return "bfloat16 (or uint16 holding BF16 bits)";
    default: return fp8gemm::dtype_name(expect);
  }
}

std::string dtype_text(nb::dlpack::dtype t) {
  // Names of the DLPack type codes (dlpack.h, DLDataTypeCode), for messages.
  // clang-format off
  static const char* const kNames[] = {
      "int", "uint", "float", "opaque", "bfloat", "complex", "bool",
      "float8_e3m4", "float8_e4m3", "float8_e4m3b11fnuz", "float8_e4m3fn", "float8_e4m3fnuz",
      "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "float6_e2m3fn", "float6_e3m2fn", "float4_e2m1fn"};
  // clang-format on
  std::string text;
  if (t.code < std::size(kNames)) {
    text = kNames[t.code];
    if (t.code <= kDLBfloat || t.code == 5) text += std::to_string(t.bits);  // int32, bfloat16, complex64, ...
  } else {
    text = "DLPack type code " + std::to_string(t.code) + " (" + std::to_string(t.bits) + " bits)";
  }
  if (t.lanes != 1) text += " x" + std::to_string(t.lanes) + " lanes";
  return text;
}

std::string device_text(int device_type) {
  switch (device_type) {
    case kDLCPU: return "on the CPU";
    case kDLCUDAHost: return "in pinned host memory (kDLCUDAHost)";
    default: return "on DLPack device type " + std::to_string(device_type);
  }
}

// One argument taken from Python: the imported array (kept alive for the call) and its view.
struct Argument {
  nb::ndarray<> array;
  fp8gemm::TensorView view;
};

// Imports obj through DLPack (or the buffer protocol), once: a DLPack capsule cannot be consumed twice.
// Outputs must be writable: a producer that flags its export read-only (DLPack 1.0) is refused rather
// than written behind its back.
Argument import_array(nb::handle obj, const char* name, bool is_output) {
  Argument arg;
  // (Some nanobind releases cast None to an empty array: it is ruled out first.)
  bool imported = false;
  if (is_output && !obj.is_none()) imported = nb::try_cast(obj, arg.array, false) && arg.array.is_valid();
  if (!imported && !obj.is_none()) {
    nb::ndarray<nb::ro> read_only;
    if (nb::try_cast(obj, read_only, false) && read_only.is_valid()) {
      if (is_output)
        throw fp8gemm::Error(std::string(name) + ": must be writable; its DLPack export is flagged read-only");
      arg.array = nb::ndarray<>(read_only);
      imported = true;
    }
  }
  if (!imported)
    throw nb::type_error((std::string(name) +
                          ": must be a tensor that exports DLPack (torch.Tensor, jax.Array, cupy.ndarray, ...); got " +
                          nb::type_name(obj.type()).c_str())
                             .c_str());
  return arg;
}

// import_array, then the dtype check.
Argument import_argument(nb::handle obj, const char* name, fp8gemm::DType expect, bool is_output) {
  Argument arg = import_array(obj, name, is_output);
  if (!dtype_matches(arg.array.dtype(), expect))
    throw nb::type_error(
        (std::string(name) + ": must have dtype " + expected_text(expect) + "; got " + dtype_text(arg.array.dtype()))
            .c_str());
  return arg;
}

// Fills the view once the argument's dtype is known to be right: device, rank, strides (in elements).
void make_view(Argument& arg, const char* name, fp8gemm::DType expect) {
  int device = arg.array.device_type();
  if (device != kDLCUDA && device != kDLCUDAManaged)
    throw fp8gemm::Error(std::string(name) + ": must be a CUDA tensor; got a tensor " + device_text(device));
  int ndim = static_cast<int>(arg.array.ndim());
  if (ndim < 1 || ndim > 3)
    throw fp8gemm::Error(std::string(name) + ": must have 1 to 3 dimensions; got " + std::to_string(ndim));
  fp8gemm::TensorView& v = arg.view;
  v.data = arg.array.data();
  // DLPack says where the memory is: the library compares it with the current device instead of asking
  // the driver about every pointer on every call.
  v.device = device == kDLCUDAManaged ? fp8gemm::kManagedMemory : static_cast<int>(arg.array.device_id());
  v.dtype = expect;
  v.ndim = ndim;
  for (int i = 0; i < ndim; ++i) {
    v.shape[i] = static_cast<int64_t>(arg.array.shape(i));
    v.stride[i] = arg.array.stride(i);
  }
}

struct Spec {
  nb::handle obj;
  const char* name;
  fp8gemm::DType expect;
  bool is_output;
};

// The five arguments every entry point takes, in order.
std::vector<Spec> gemm_specs(nb::handle a, nb::handle sa, nb::handle b, nb::handle sb, nb::handle d) {
  return {{a, "a", fp8gemm::DType::e4m3, false},
          {sa, "sa", fp8gemm::DType::f32, false},
          {b, "b", fp8gemm::DType::e4m3, false},
          {sb, "sb", fp8gemm::DType::f32, false},
          {d, "d", fp8gemm::DType::bf16, true}};
}

// Imports every argument and checks all dtypes first, then all devices, so that each rule is reported
// for the first argument breaking it, whatever the others hold (CPU-only tests rely on it).
std::vector<Argument> take_arguments(const std::vector<Spec>& specs) {
  std::vector<Argument> args;
  for (const Spec& s : specs) args.push_back(import_argument(s.obj, s.name, s.expect, s.is_output));
  for (size_t i = 0; i < specs.size(); ++i) make_view(args[i], specs[i].name, specs[i].expect);
  return args;
}

fp8gemm::Stream to_stream(uintptr_t handle) { return reinterpret_cast<fp8gemm::Stream>(handle); }

void fp8_gemm_nt(nb::handle a, nb::handle sa, nb::handle b, nb::handle sb, nb::handle d, uintptr_t stream) {
  const std::vector<Argument> t = take_arguments(gemm_specs(a, sa, b, sb, d));
  nb::gil_scoped_release release;
  fp8gemm::fp8_gemm_nt(t[0].view, t[1].view, t[2].view, t[3].view, t[4].view, to_stream(stream));
}

void m_grouped_contiguous(nb::handle a, nb::handle sa, nb::handle b, nb::handle sb, nb::handle d, nb::handle m_indices,
                          uintptr_t stream) {
  std::vector<Spec> specs = gemm_specs(a, sa, b, sb, d);
  specs.push_back({m_indices, "m_indices", fp8gemm::DType::i32, false});
  const std::vector<Argument> t = take_arguments(specs);
  nb::gil_scoped_release release;
  fp8gemm::m_grouped_fp8_gemm_nt_contiguous(t[0].view, t[1].view, t[2].view, t[3].view, t[4].view, t[5].view,
                                            to_stream(stream));
}

void m_grouped_masked(nb::handle a, nb::handle sa, nb::handle b, nb::handle sb, nb::handle d, nb::handle masked_m,
                      int64_t expected_m, uintptr_t stream) {
  std::vector<Spec> specs = gemm_specs(a, sa, b, sb, d);
  specs.push_back({masked_m, "masked_m", fp8gemm::DType::i32, false});
  const std::vector<Argument> t = take_arguments(specs);
  nb::gil_scoped_release release;
  fp8gemm::m_grouped_fp8_gemm_nt_masked(t[0].view, t[1].view, t[2].view, t[3].view, t[4].view, t[5].view, expected_m,
                                        to_stream(stream));
}

// The input of a quantizer: bfloat16, float16 or float32, whichever it is.
fp8gemm::DType float_input_dtype(const Argument& arg, const char* name) {
  for (fp8gemm::DType t : {fp8gemm::DType::bf16, fp8gemm::DType::f16, fp8gemm::DType::f32}) {
    const nb::dlpack::dtype d = arg.array.dtype();
    if (d.lanes == 1 && d.bits == 8 * fp8gemm::dtype_size(t) && d.code == (t == fp8gemm::DType::bf16 ? kDLBfloat : kDLFloat))
      return t;
  }
  throw nb::type_error(
      (std::string(name) + ": must have dtype bfloat16, float16 or float32; got " + dtype_text(arg.array.dtype())).c_str());
}

// Every dtype is checked before any device (as take_arguments does).
template <auto Cast>
void cast_to_fp8(nb::handle x, const char* x_name, nb::handle q, nb::handle scales, bool pow2_scales,
                 uintptr_t stream) {
  std::vector<Argument> t;
  t.push_back(import_array(x, x_name, false));
  const fp8gemm::DType input = float_input_dtype(t[0], x_name);
  t.push_back(import_argument(q, "q", fp8gemm::DType::e4m3, true));
  t.push_back(import_argument(scales, "scales", fp8gemm::DType::f32, true));
  make_view(t[0], x_name, input);
  make_view(t[1], "q", fp8gemm::DType::e4m3);
  make_view(t[2], "scales", fp8gemm::DType::f32);
  nb::gil_scoped_release release;
  Cast(t[0].view, t[1].view, t[2].view, pow2_scales, to_stream(stream));
}

void per_token_cast(nb::handle x, nb::handle q, nb::handle scales, bool pow2_scales, uintptr_t stream) {
  cast_to_fp8<&fp8gemm::per_token_cast_to_fp8>(x, "x", q, scales, pow2_scales, stream);
}

void per_block_cast(nb::handle w, nb::handle q, nb::handle scales, bool pow2_scales, uintptr_t stream) {
  cast_to_fp8<&fp8gemm::per_block_cast_to_fp8>(w, "w", q, scales, pow2_scales, stream);
}

}  // namespace

NB_MODULE(_C, m) {
  m.doc() = "fp8gemm's compiled core. Use the functions of the fp8gemm package, which document them.";
  m.attr("__version__") = FP8GEMM_VERSION;

  nb::exception<fp8gemm::Error>(m, "Error", PyExc_ValueError);
  bind_ahead_of_time(m);

  m.def("fp8_gemm_nt", &fp8_gemm_nt, nb::arg("a").none(), nb::arg("sa").none(), nb::arg("b").none(),
        nb::arg("sb").none(), nb::arg("d").none(), nb::arg("stream"),
        "D = (A * sa) @ (B * sb)^T in BF16, enqueued on `stream` (a CUstream handle). See fp8gemm.fp8_gemm_nt.");
  m.def("m_grouped_fp8_gemm_nt_contiguous", &m_grouped_contiguous, nb::arg("a").none(), nb::arg("sa").none(),
        nb::arg("b").none(), nb::arg("sb").none(), nb::arg("d").none(), nb::arg("m_indices").none(), nb::arg("stream"),
        "Grouped GEMM, contiguous layout. See fp8gemm.m_grouped_fp8_gemm_nt_contiguous.");
  m.def("m_grouped_fp8_gemm_nt_masked", &m_grouped_masked, nb::arg("a").none(), nb::arg("sa").none(),
        nb::arg("b").none(), nb::arg("sb").none(), nb::arg("d").none(), nb::arg("masked_m").none(),
        nb::arg("expected_m"), nb::arg("stream"),
        "Grouped GEMM, masked layout. See fp8gemm.m_grouped_fp8_gemm_nt_masked.");

  m.def("per_token_cast_to_fp8", &per_token_cast, nb::arg("x").none(), nb::arg("q").none(), nb::arg("scales").none(),
        nb::arg("pow2_scales"), nb::arg("stream"),
        "Quantizes x to E4M3 codes q and 1x128 scales, enqueued on `stream`. See fp8gemm.per_token_cast_to_fp8.");
  m.def("per_block_cast_to_fp8", &per_block_cast, nb::arg("w").none(), nb::arg("q").none(), nb::arg("scales").none(),
        nb::arg("pow2_scales"), nb::arg("stream"),
        "Quantizes w to E4M3 codes q and 128x128 scales, enqueued on `stream`. See fp8gemm.per_block_cast_to_fp8.");
  m.def("set_num_sms", &fp8gemm::set_num_sms, nb::arg("num_sms"),
        "Sets how many SMs the persistent kernels may use; 0 (the default) means all of the device's.\n\n"
        "Takes effect for later calls (kernels are chosen per call); a count above the device's is\n"
        "clipped to it. A long-K normal or contiguous GEMM launches only as many as its waves of tiles\n"
        "need. Raises fp8gemm.Error for a negative count.");
  m.def("get_num_sms", &fp8gemm::get_num_sms,
        "Number of SMs the persistent kernels may use: the value given to set_num_sms, else the device's count.");
  m.def("reload_settings", &fp8gemm::reload_settings,
        "Reads FP8GEMM_CONFIG and FP8GEMM_CHECK_INDICES from the environment again.\n\n"
        "The GEMMs read them at their first call, not at every call (reading the environment costs\n"
        "more than the rest of a warm call's own work): after changing os.environ, call this.");
  m.def("get_m_alignment_for_contiguous_layout", &fp8gemm::get_m_alignment_for_contiguous_layout,
        "Row alignment of the contiguous grouped layout.\n\n"
        "In m_grouped_fp8_gemm_nt_contiguous every expert's segment of rows of A must start at a\n"
        "multiple of this many rows; pad each segment up to it with rows whose m_indices value is -1.");
  m.def("get_tma_aligned_size", &fp8gemm::get_tma_aligned_size, nb::arg("x"), nb::arg("element_size"),
        "Smallest x' >= x such that x' * element_size is a multiple of 16 bytes (TMA's rule for strides).\n\n"
        "For FP32 scales (element_size=4) this rounds x up to a multiple of 4; it is the leading dimension\n"
        "of the MN-major scale layout that get_mn_major_tma_aligned_tensor produces.");
}
