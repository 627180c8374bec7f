"""Shared fixtures of the Python tests. GPU tests take the `torch_gpu` fixture, which skips them (each
counted as skipped, with the reason) where PyTorch, a CUDA GPU or a Hopper GPU is missing."""

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    # Always list skip reasons in the summary (as -rs does): a skipped GPU test must say why.
    chars = config.option.reportchars or ""
    if "s" not in chars and "a" not in chars and "A" not in chars:
        config.option.reportchars = chars + "s"


@pytest.fixture
def torch_gpu():
    """The torch module, on a machine with a Hopper GPU; skips the test otherwise."""
    try:
        import torch
    except ImportError:
        pytest.skip("torch not installed")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    major, minor = torch.cuda.get_device_capability()
    if (major, minor) != (9, 0):
        pytest.skip(f"no Hopper GPU (sm_90): the GPU is sm_{major}{minor}")
    torch.manual_seed(0)
    return torch
