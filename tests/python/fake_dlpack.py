"""A stand-in for a CUDA tensor on machines without a GPU: an object whose DLPack export describes
device memory at a made-up address. The library checks shapes, dtypes, strides and alignment before it
touches the device, so these rules can be tested through Python with no GPU; nothing may dereference
the address (the call must fail before any launch)."""

import ctypes
import math

KDL_CUDA = 2
DTYPES = {  # name: (DLPack type code, bits)
    "float8_e4m3fn": (10, 8),
    "uint8": (1, 8),
    "float32": (2, 32),
    "bfloat16": (4, 16),
    "int32": (0, 32),
    "float16": (2, 16),
}
FAKE_ADDRESS = 0x7F0000000000  # 256-byte aligned, never mapped by the test
# A CUDA ordinal that no machine has. The library trusts the device that DLPack reports (it asks the
# driver nothing per tensor), so a fake tensor that claimed device 0 on a GPU machine would be launched on.
FAKE_DEVICE = 1000


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", DELETER)]


# The consumer calls the deleter when it is done; the memory belongs to the FakeCudaTensor.
NO_OP_DELETER = DELETER(lambda managed: None)
CAPSULE_NAME = b"dltensor"
PyCapsule_New = ctypes.pythonapi.PyCapsule_New
PyCapsule_New.restype = ctypes.py_object
PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]


class FakeCudaTensor:
    """shape and strides in elements (strides default to row-major); offset in elements."""

    def __init__(self, shape, dtype, strides=None, offset_bytes=0):
        if strides is None:
            strides = [math.prod(shape[i + 1 :]) for i in range(len(shape))]
        code, bits = DTYPES[dtype]
        self.shape = tuple(shape)
        self._shape = (ctypes.c_int64 * len(shape))(*shape)
        self._strides = (ctypes.c_int64 * len(shape))(*strides)
        self._managed = DLManagedTensor()
        t = self._managed.dl_tensor
        t.data = FAKE_ADDRESS + offset_bytes
        t.device = DLDevice(KDL_CUDA, FAKE_DEVICE)
        t.ndim = len(shape)
        t.dtype = DLDataType(code, bits, 1)
        t.shape = self._shape
        t.strides = self._strides
        t.byte_offset = 0
        self._managed.deleter = NO_OP_DELETER

    def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
        return PyCapsule_New(ctypes.addressof(self._managed), CAPSULE_NAME, None)

    def __dlpack_device__(self):
        return (KDL_CUDA, FAKE_DEVICE)
