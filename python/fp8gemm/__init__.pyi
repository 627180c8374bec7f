# Type stub of the fp8gemm package: the public names and where their typed definitions live.
from fp8gemm import nn as nn
from fp8gemm._C import Error as Error
from fp8gemm._C import __version__ as __version__
from fp8gemm._C import get_m_alignment_for_contiguous_layout as get_m_alignment_for_contiguous_layout
from fp8gemm._C import get_num_sms as get_num_sms
from fp8gemm._C import get_tma_aligned_size as get_tma_aligned_size
from fp8gemm._C import reload_settings as reload_settings
from fp8gemm._C import set_num_sms as set_num_sms
from fp8gemm.ahead_of_time import compile as compile
from fp8gemm.gemm import fp8_gemm_nt as fp8_gemm_nt
from fp8gemm.gemm import m_grouped_fp8_gemm_nt_contiguous as m_grouped_fp8_gemm_nt_contiguous
from fp8gemm.gemm import m_grouped_fp8_gemm_nt_masked as m_grouped_fp8_gemm_nt_masked
from fp8gemm.layout import get_mn_major_tma_aligned_tensor as get_mn_major_tma_aligned_tensor
from fp8gemm.quantize import per_block_cast_to_fp8 as per_block_cast_to_fp8
from fp8gemm.quantize import per_token_cast_to_fp8 as per_token_cast_to_fp8
