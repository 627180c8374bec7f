"""fp8gemm.compile on a machine without a GPU: kernels go into the disk cache; a second run finds them."""

import pytest

import fp8gemm


def test_compile_fills_the_cache_then_finds_it(tmp_path, monkeypatch):
    monkeypatch.setenv("FP8GEMM_CACHE_DIR", str(tmp_path))
    reports = []
    first = fp8gemm.compile(("normal", 264, 528), m_min=1, m_max=32, num_sms=132,
                            progress=lambda kernel, done, total: reports.append((kernel["name"], done, total)))
    total = len(first["kernels"])
    assert total >= 1 and first["failed"] == 0 and first["compiled"] + first["cached"] == total
    assert [done for _, done, _ in reports] == list(range(1, total + 1))
    assert first["compiled"] == 0 or any(tmp_path.iterdir()), "compiled kernels must be on disk"
    second = fp8gemm.compile("normal:264:528", m_min=1, m_max=32, num_sms=132)
    assert second["cached"] == total and second["compiled"] == 0


def test_compile_errors_name_the_layer():
    with pytest.raises(fp8gemm.Error, match=r'layer "normal:250:512": N = 250 must be'):
        fp8gemm.compile(("normal", 250, 512))
    with pytest.raises(fp8gemm.Error, match=r'suite "llama" is not a built-in suite'):
        fp8gemm.compile("llama")
    with pytest.raises(TypeError, match=r"^layers: must be a layer or a list of layers"):
        fp8gemm.compile(7)


def test_progress_exceptions_stop_the_run(tmp_path, monkeypatch):
    monkeypatch.setenv("FP8GEMM_CACHE_DIR", str(tmp_path))

    def stop(kernel, done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fp8gemm.compile(("masked", 264, 528, 4), m_min=1, m_max=4096, num_sms=132, progress=stop)
