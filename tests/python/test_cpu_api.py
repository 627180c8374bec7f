"""The package on a machine without a GPU (CI): it imports, documents itself, and rejects bad arguments
with errors that name the argument and the rule. NumPy arrays stand in for host tensors, and
FakeCudaTensor for device tensors (no memory behind it: every call here must fail before a launch)."""

import pathlib
import pydoc
import re

import numpy as np
import pytest

import fp8gemm
from fake_dlpack import FAKE_DEVICE, FakeCudaTensor

# The names inference engines call (issue 5), plus the quantizers and reload_settings.
PUBLIC = """fp8_gemm_nt m_grouped_fp8_gemm_nt_contiguous m_grouped_fp8_gemm_nt_masked set_num_sms get_num_sms
get_m_alignment_for_contiguous_layout get_tma_aligned_size get_mn_major_tma_aligned_tensor
per_token_cast_to_fp8 per_block_cast_to_fp8 reload_settings""".split()


def test_public_names_are_documented_functions():
    for name in PUBLIC:
        function = getattr(fp8gemm, name)
        assert callable(function), name
        assert function.__doc__ and len(function.__doc__) > 80, f"{name} needs a docstring"
    assert set(PUBLIC) <= set(fp8gemm.__all__)
    assert re.fullmatch(r"\d+\.\d+\.\d+", fp8gemm.__version__)


def test_error_is_a_value_error():
    assert issubclass(fp8gemm.Error, ValueError)
    assert fp8gemm.Error.__module__ == "fp8gemm"


def test_help_describes_shapes_dtypes_layout_and_stream():
    text = pydoc.render_doc(fp8gemm.fp8_gemm_nt, renderer=pydoc.plaintext)
    for words in ["[M, K]", "[N, K]", "float32", "bfloat16", "MN-major", "stream", "fp8gemm.Error"]:
        assert words in text, words


def test_package_layout():
    # Type information, the library next to the extension, and the kernel sources next to the library
    # (where it looks for them at run time).
    package = pathlib.Path(fp8gemm.__file__).parent
    for name in ["py.typed", "__init__.pyi", "_C.pyi", "libfp8gemm.so", "kernels/fp8gemm/gemm.cuh"]:
        assert (package / name).is_file(), name


@pytest.mark.parametrize(
    "x, element_size, expected",
    [(0, 4, 0), (1, 4, 4), (4, 4, 4), (5, 4, 8), (127, 4, 128), (4097, 4, 4100), (1, 2, 8), (9, 2, 16),
     (1, 1, 16), (17, 1, 32), (3, 8, 4), (7, 16, 7)],
)
def test_tma_aligned_size(x, element_size, expected):
    assert fp8gemm.get_tma_aligned_size(x, element_size) == expected


def test_tma_aligned_size_rejects_bad_element_size():
    with pytest.raises(fp8gemm.Error, match="element_size"):
        fp8gemm.get_tma_aligned_size(4, 3)


def test_m_alignment_for_contiguous_layout():
    # Every expert segment padded to this many rows never shares an M block with another expert.
    assert fp8gemm.get_m_alignment_for_contiguous_layout() == 128


def test_set_num_sms_rejects_negative():
    with pytest.raises(fp8gemm.Error, match="num_sms"):
        fp8gemm.set_num_sms(-1)


# Host (NumPy) arguments with the right dtypes for M=4, N=16, K=128, G=2; uint16 holds BF16 bits.
def host_args(layout):
    a = np.zeros((2, 4, 128) if layout == "masked" else (4, 128), np.uint8)
    sa = np.zeros(a.shape[:-1] + (1,), np.float32)
    b = np.zeros((16, 128) if layout == "normal" else (2, 16, 128), np.uint8)
    sb = np.zeros(b.shape[:-2] + (1, 1), np.float32)
    d = np.zeros(a.shape[:-1] + (16,), np.uint16)
    extra = {"normal": [], "contiguous": [np.zeros(4, np.int32)], "masked": [np.zeros(2, np.int32), 4]}[layout]
    return [a, sa, b, sb, d] + extra


NAMES = {
    "normal": ["a", "sa", "b", "sb", "d"],
    "contiguous": ["a", "sa", "b", "sb", "d", "m_indices"],
    "masked": ["a", "sa", "b", "sb", "d", "masked_m"],
}
FUNCTIONS = {
    "normal": fp8gemm.fp8_gemm_nt,
    "contiguous": fp8gemm.m_grouped_fp8_gemm_nt_contiguous,
    "masked": fp8gemm.m_grouped_fp8_gemm_nt_masked,
}


def call(layout, args, **kwargs):
    a, sa, b, sb, *rest = args
    FUNCTIONS[layout]((a, sa), (b, sb), *rest, **kwargs)


def with_argument(layout, name, value, make=host_args):
    args = make(layout)
    args[NAMES[layout].index(name)] = value
    return args


@pytest.mark.parametrize("layout", ["normal", "contiguous", "masked"])
def test_host_tensors_are_refused_naming_the_argument(layout):
    with pytest.raises(fp8gemm.Error, match=r"^a: must be a CUDA tensor; got a tensor on the CPU"):
        call(layout, host_args(layout))


WRONG_DTYPES = {"a": np.float32, "sa": np.float64, "b": np.int32, "sb": np.float16, "d": np.float32,
                "m_indices": np.int64, "masked_m": np.uint32}


@pytest.mark.parametrize("layout", ["normal", "contiguous", "masked"])
def test_wrong_dtypes_are_type_errors_naming_the_argument(layout):
    for name in NAMES[layout]:
        args = host_args(layout)
        index = NAMES[layout].index(name)
        args[index] = args[index].astype(WRONG_DTYPES[name])
        with pytest.raises(TypeError, match=rf"^{name}: must have dtype"):
            call(layout, args)


@pytest.mark.parametrize("value", [None, [1, 2], "tensor", 3.0])
def test_non_tensors_are_type_errors_naming_the_argument(value):
    for name in NAMES["contiguous"]:
        with pytest.raises(TypeError, match=rf"^{name}: must be a tensor that exports DLPack"):
            call("contiguous", with_argument("contiguous", name, value))


def test_pairs_are_checked():
    a, sa, b, sb, d = host_args("normal")
    with pytest.raises(TypeError, match=r"^a: must be a pair \(a, sa\)"):
        fp8gemm.fp8_gemm_nt(a, (b, sb), d)
    with pytest.raises(TypeError, match=r"^b: must be a pair \(b, sb\)"):
        fp8gemm.fp8_gemm_nt((a, sa), (b, sb, sb), d)


def test_read_only_output_is_refused():
    args = host_args("normal")
    args[4].flags.writeable = False
    with pytest.raises(fp8gemm.Error, match=r"^d: must be writable"):
        call("normal", args)


def test_stream_argument_is_checked():
    with pytest.raises(TypeError, match=r"^stream: must be None, an int"):
        call("normal", host_args("normal"), stream="default")
    with pytest.raises(ValueError, match=r"^stream: must be a CUstream handle"):
        call("normal", host_args("normal"), stream=-1)


# Device-looking arguments for M=64, N=256, K=512 (Kb=4, Nb=2), G=2; sa MN-major TMA-aligned.
def device_args(layout):
    g, m, n, k = 2, 64, 256, 512
    if layout == "masked":
        a = FakeCudaTensor((g, m, k), "float8_e4m3fn")
        sa = FakeCudaTensor((g, m, 4), "float32", strides=(4 * m, 1, m))
        d = FakeCudaTensor((g, m, n), "bfloat16")
    else:
        a = FakeCudaTensor((m, k), "float8_e4m3fn")
        sa = FakeCudaTensor((m, 4), "float32", strides=(1, m))
        d = FakeCudaTensor((m, n), "bfloat16")
    if layout == "normal":
        b, sb = FakeCudaTensor((n, k), "float8_e4m3fn"), FakeCudaTensor((2, 4), "float32")
    else:
        b, sb = FakeCudaTensor((g, n, k), "float8_e4m3fn"), FakeCudaTensor((g, 2, 4), "float32")
    extra = {"normal": [], "contiguous": [FakeCudaTensor((m,), "int32")],
             "masked": [FakeCudaTensor((g,), "int32"), m]}[layout]
    return [a, sa, b, sb, d] + extra


# (layout, argument, replacement, expected message): rules the library checks before using the device.
BROKEN_RULES = [
    ("normal", "sa", FakeCudaTensor((64, 3), "float32"), r"^sa: must have shape \[M, ceil\(K/128\)\] = \[64, 4\]"),
    ("normal", "sb", FakeCudaTensor((2, 5), "float32"), r"^sb: must have shape"),
    ("normal", "d", FakeCudaTensor((64, 255), "bfloat16"), r"^d: must have shape \[M, N\] = \[64, 256\]"),
    ("normal", "b", FakeCudaTensor((250, 512), "float8_e4m3fn"), r"N \(b.shape\[-2\]\) must be a multiple of 8"),
    ("normal", "a", FakeCudaTensor((64, 520), "float8_e4m3fn"), r"K \(a.shape\[-1\]\) must be a multiple of 16"),
    ("normal", "a", FakeCudaTensor((64, 512), "float8_e4m3fn", strides=(1, 64)), r"^a: must be contiguous in its last"),
    ("normal", "a", FakeCudaTensor((64, 512), "float8_e4m3fn", offset_bytes=8), r"^a: data pointer must be aligned"),
    ("normal", "sa", FakeCudaTensor((64, 4), "float32", strides=(8, 2)), r"^sa: must be row-major .* or MN-major"),
    ("normal", "a", FakeCudaTensor((1, 64, 512), "float8_e4m3fn"), r"^a: must have 2 dimensions"),
    ("normal", "a", FakeCudaTensor((1, 1, 64, 512), "float8_e4m3fn"), r"^a: must have 1 to 3 dimensions"),
    ("contiguous", "sb", FakeCudaTensor((2, 4), "float32"), r"^sb: must have shape \[G, ceil\(N/128\)"),
    ("masked", "d", FakeCudaTensor((2, 64, 256), "bfloat16", strides=(64 * 256, 1, 64)), r"^d: must be contiguous"),
    ("masked", "expected_m", -1, r"^expected_m: must be >= 0"),
]


@pytest.mark.parametrize("layout, name, value, message", BROKEN_RULES)
def test_library_rules_name_the_argument(layout, name, value, message):
    if name == "expected_m":
        args = device_args(layout)
        args[-1] = value
    else:
        args = with_argument(layout, name, value, make=device_args)
    with pytest.raises(fp8gemm.Error, match=message):
        call(layout, args)


@pytest.mark.parametrize("layout", ["normal", "contiguous", "masked"])
def test_valid_arguments_pass_every_rule(layout):
    # Well-formed views get as far as the device check: without a driver it fails there; with one, the
    # fake tensors' ordinal (from DLPack) is not the current device. So the conversion from DLPack kept
    # shapes, strides, dtypes and the device intact.
    with pytest.raises(fp8gemm.Error, match=rf"CUDA driver|^a: is on device {FAKE_DEVICE} but the current device is"):
        call(layout, device_args(layout))
