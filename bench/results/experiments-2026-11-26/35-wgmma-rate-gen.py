#!/usr/bin/env python3
"""Experiment 35: raw wgmma throughput of the instruction forms a 128x256 FP8 tile can use, per SM and cycle.
Writes wgmma_rate.cu. Each CTA = 2 math warpgroups, one CTA per SM; per iteration each warpgroup does a
64x256x128 block (K=128) as PARTS groups of 4 k32 wgmmas of width N, commit, wait_group<1>."""
import sys

def mma(n, rs):
    regs = n // 2
    na = 4 if rs else 1
    ops = ", ".join(f"%{i}" for i in range(regs))
    a = "{" + ", ".join(f"%{regs+i}" for i in range(4)) + "}" if rs else f"%{regs}"
    outs = ", ".join(f'"+f"(d[{i}])' for i in range(regs))
    ins = '"r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3])' if rs else '"l"(da)'
    sig = "const u32 (&a)[4]" if rs else "u64 da"
    return f"""
__device__ __forceinline__ void mma_{'rs' if rs else 'ss'}_{n}({sig}, u64 db, float* d, bool acc) {{
  asm volatile("{{\\n.reg .pred p;\\nsetp.ne.b32 p, %{regs+na+1}, 0;\\n"
      "wgmma.mma_async.sync.aligned.m64n{n}k32.f32.e4m3.e4m3 {{{ops}}}, {a}, %{regs+na}, p, 1, 1;\\n}}\\n"
      : {outs} : {ins}, "l"(db), "r"((int)acc));
}}"""

variants = [
    # (per-WG tile width W, part width N, A in registers, mode): raw = no promotion (accumulate through),
    # promote = promote each part (wait_group 1), drain at the end of every K block; across = runs of 4 K
    # blocks, the next block's first part (A from shared memory) issued before the last part is promoted.
    (256, 64, True, "promote"),    # our normal 128x256 tile
    (256, 64, True, "across"),     # our contiguous 128x256 tile (runs of 4)
    (256, 64, True, "raw"),
    (256, 64, False, "promote"),
    (256, 64, False, "across"),
    (256, 64, False, "raw"),
    (256, 128, True, "promote"),   # experiment 24's two n128 parts, one scratch: serial
    (256, 128, False, "raw"),
    (256, 256, False, "raw"),      # one n256 wgmma per k32: the ceiling
    (128, 128, False, "promote"),  # cuBLASLt's 128x128 form: one n128 SS group per K block
    (128, 128, False, "across"),
    (128, 128, False, "raw"),
    (128, 64, True, "promote"),
    (128, 64, False, "promote"),
    (256, 64, True, "promote", True),   # + a producer copying 48 KB per K block into shared memory (TMA bulk)
    (256, 64, True, "across", True),
    (256, 64, True, "raw", True),
    (128, 128, False, "promote", True),  # + 32 KB per K block
    # The scales (experiment 42): lds = two per K block from shared memory (rows r and r+8, as the kernel);
    # reg = two registers loaded once before the loop; imm = the constant 1 (no scale operand at all).
    (256, 64, True, "promote", True, "lds2"),
    (256, 64, True, "promote", True, "reg"),
    (256, 64, True, "promote", True, "imm"),
    (256, 64, True, "across", True, "lds2"),
    (256, 64, True, "across", True, "reg"),
    (256, 64, True, "across", True, "imm"),
    # split = FMUL then FADD (__fmul_rn / __fadd_rn: no contraction), two register operands each (experiment 46)
    (256, 64, True, "promote", True, "split"),
    (256, 64, True, "across", True, "split"),
    (256, 64, False, "promote", True, "lds2"),  # A from shared memory in every part (experiment 46)
    (256, 64, False, "across", True, "lds2"),
]

def kernel(w, n, rs, mode, feed=False, scale="lds"):
    parts = w // n
    name = f"k_w{w}_{'rs' if rs else 'ss'}{n}_{mode}{'_feed' if feed else ''}{'' if scale == 'lds' else '_' + scale}"
    threads = 384 if feed else 256
    feed_bytes = 48 * 1024 if w == 256 else 32 * 1024
    regs = n // 2
    nscratch = 2 if (mode == "across" or parts > 1) and regs * 2 + w // 2 <= 200 else 1
    if mode == "across": assert nscratch == 2
    run = 4 if mode == "across" else 1
    L = []
    L.append(f"""
extern "C" __global__ void __launch_bounds__({threads}, 1) {name}(int iters, u64* cycles, float* sink, const void* feed_src) {{
  extern __shared__ __align__(1024) unsigned char smem[];
  __shared__ __align__(8) u64 feed_bar[2];
  __shared__ volatile int feed_tick;
  // A: two 64x128-byte tiles (one per warpgroup), then B: 256x128 bytes, then 64 scales.
  const int total = 2 * 64 * 128 + 256 * 128;
  for (int i = threadIdx.x; i < total / 4; i += blockDim.x) {{
    u32 h = (u32)i * 2654435761u + blockIdx.x;
    h ^= h >> 13; h *= 0x5bd1e995u; h ^= h >> 15;
    ((u32*)smem)[i] = h & 0xB7B7B7B7u;  // clears bit 6 of every byte: exponent < 8, never NaN
  }}
  float* scales = (float*)(smem + total);
  if (threadIdx.x < 64) scales[threadIdx.x] = 1.0f + threadIdx.x * 1e-3f;
  if (threadIdx.x == 0) {{
    feed_tick = 0;
    for (int b = 0; b < 2; ++b) asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(smem_addr(&feed_bar[b])));
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
  }}
  __syncthreads();
  asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
  const int wg = threadIdx.x / 128;
  if ({'true' if feed else 'false'} && wg == 2) {{
    asm volatile("setmaxnreg.dec.sync.aligned.u32 40;");
    if (threadIdx.x == 256) {{
      // Landing buffers after A, B and the scales: two of {feed_bytes} bytes, the math never reads them.
      unsigned char* landing = smem + 64 * 1024;
      for (int it = 0; it < iters; ++it) {{
        const int b = it & 1;
        if (it >= 2) {{
          const u32 parity = ((it - 2) >> 1) & 1;
          while (!mbar_try(smem_addr(&feed_bar[b]), parity)) {{}}
        }}
        while (feed_tick < it - 2) {{}}
        asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(smem_addr(&feed_bar[b])), "r"({feed_bytes}) : "memory");
        asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];"
                     ::"r"(smem_addr(landing + b * {feed_bytes})), "l"(feed_src), "r"({feed_bytes}), "r"(smem_addr(&feed_bar[b])) : "memory");
      }}
      for (int it = iters; it < iters + 2; ++it) {{
        const int b = it & 1;
        const u32 parity = ((it - 2) >> 1) & 1;
        while (!mbar_try(smem_addr(&feed_bar[b]), parity)) {{}}
      }}
    }}
    return;
  }}
  if ({'true' if feed else 'false'}) asm volatile("setmaxnreg.inc.sync.aligned.u32 232;");
  unsigned char* a_tile = smem + wg * 64 * 128;
  unsigned char* b_tile = smem + 2 * 64 * 128;
  const u64 da = desc(a_tile), db = desc(b_tile);
  const u32 a_addr = smem_addr(a_tile) + (threadIdx.x % 128) * 16;
  float scratch[{nscratch}][{regs}] = {{}}, out[{parts}][{regs}];
  for (int p = 0; p < {parts}; ++p) for (int i = 0; i < {regs}; ++i) out[p][i] = 0.f;
  u32 a[4][4];
  asm volatile("bar.sync 1, 256;" ::: "memory");  // the math warpgroups only: the producer may have left
  const float sc_reg = scales[threadIdx.x & 63], sc_reg_b = scales[(threadIdx.x + 5) & 63];
  const u64 t0 = clock64();
  for (int it = 0; it < iters; it += {run}) {{""")
    def load_a():
        return """
    for (int s = 0; s < 4; ++s)
      asm volatile("ld.shared.v4.u32 {%0, %1, %2, %3}, [%4];" : "=r"(a[s][0]), "=r"(a[s][1]), "=r"(a[s][2]), "=r"(a[s][3]) : "r"(a_addr ^ (s * 32)));"""
    def issue(part, S, use_rs):
        acc = "true" if mode == "raw" else "s > 0"
        op = "a[s]" if use_rs else "da + 2 * s"
        return f"""
    for (int i = 0; i < {regs}; ++i) freg(scratch[{S}][i]);
    fence();
    for (int s = 0; s < 4; ++s) mma_{'rs' if use_rs else 'ss'}_{n}({op}, db + ({n * 128 * part} >> 4) + 2 * s, scratch[{S}], {acc});
    commit();"""
    def prom(part, S, blk):
        mult = {"lds": f"sc{blk}", "lds2": f"((i & 2) ? sc{blk}b : sc{blk})", "split": f"((i & 2) ? sc{blk}b : sc{blk})", "reg": "((i & 2) ? sc_reg_b : sc_reg)", "imm": "1.0f"}[scale]
        update = (f"out[{part}][i] = __fadd_rn(out[{part}][i], __fmul_rn(scratch[{S}][i], {mult}));" if scale == "split"
                  else f"out[{part}][i] += scratch[{S}][i] * {mult};")
        body = (f"for (int i = 0; i < {regs}; ++i) {update}" if mode != "raw"
                else f"for (int i = 0; i < {regs}; ++i) freg(scratch[{S}][i]);")
        return f"""
    for (int i = 0; i < {regs}; ++i) freg(scratch[{S}][i]);
    {body}"""
    idx = 0
    prev = None  # (part, scratch, block) issued and not yet promoted
    for blk in range(run):
        if scale == "lds":
            L.append(f"\n    const float sc{blk} = scales[(it + {blk}) & 63] * scales[(it + {blk} + 7) & 63];")
        elif scale in ("lds2", "split"):
            L.append(f"\n    const float sc{blk} = scales[(it + {blk}) & 63], sc{blk}b = scales[(it + {blk} + 7) & 63];")
        for p in range(parts):
            S = idx % nscratch
            use_rs = rs and not (mode == "across" and blk > 0 and p == 0)
            if use_rs and (p == 0 or (mode == "across" and blk > 0 and p == 1)):
                pass
            if use_rs and p == (1 if (mode == "across" and blk > 0) else 0):
                L.append(load_a() if prev is None or nscratch == 2 else "")
            L.append(issue(p, S, use_rs))
            if nscratch == 1:
                L.append("\n    wait<0>();" + prom(p, S, blk))
                prev = None
            else:
                if prev is not None:
                    L.append("\n    wait<1>();" + prom(*prev))
                prev = (p, S, blk)
            idx += 1
        if mode != "across" and prev is not None:
            L.append("\n    wait<0>();" + prom(*prev))
            prev = None
            idx = 0
    if prev is not None:
        L.append("\n    wait<0>();" + prom(*prev))
    if feed:
        L.append(f"\n    if (threadIdx.x == 0) feed_tick = it + {run};")
    L.append(f"""
  }}
  const u64 t1 = clock64();
  float sum = 0;
  for (int p = 0; p < {parts}; ++p) for (int i = 0; i < {regs}; ++i) sum += out[p][i];
  for (int b = 0; b < {nscratch}; ++b) for (int i = 0; i < {regs}; ++i) sum += scratch[b][i];
  sink[blockIdx.x * blockDim.x + threadIdx.x] = sum;
  if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}}""")
    return name, "".join(L)

src = ["""// generated by gen.py (experiment 35)
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <algorithm>
#include <cuda_runtime.h>
typedef unsigned long long u64; typedef unsigned u32;
__device__ __forceinline__ u32 smem_addr(const void* p) { return (u32)__cvta_generic_to_shared(p); }
__device__ __forceinline__ u64 desc(const void* tile) {
  return ((u64)((smem_addr(tile) & 0x3FFFF) >> 4)) | ((u64)(1024 >> 4) << 32) | ((u64)1 << 62);
}
__device__ __forceinline__ void fence() { asm volatile("wgmma.fence.sync.aligned;" ::: "memory"); }
__device__ __forceinline__ void commit() { asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory"); }
template <int P> __device__ __forceinline__ void wait() { asm volatile("wgmma.wait_group.sync.aligned %0;" ::"n"(P) : "memory"); }
__device__ __forceinline__ bool mbar_try(u32 addr, u32 parity) {
  u32 ok;
  asm volatile("{ .reg .pred P; mbarrier.try_wait.parity.shared::cta.b64 P, [%1], %2; selp.u32 %0, 1, 0, P; }" : "=r"(ok) : "r"(addr), "r"(parity) : "memory");
  return ok != 0;
}
__device__ __forceinline__ void freg(float& r) { asm volatile("" : "+f"(r)::"memory"); }
"""]
for n in (64, 128, 256):
    for rs in (False, True):
        src.append(mma(n, rs))


def kernel_rescale(rs):
    """Experiment 44: no scratch accumulators. Each 64-column part accumulates into its own output registers R, kept
    divided by the current K block's scale: before block kb's wgmmas on part p, R_p *= s(kb-1) / s(kb) (one FMUL,
    two register operands), then the wgmmas add the block's product with weight 1. Runs of 4 K blocks, straight
    line; part p of a block waits only for part p of the block before (wait_group 3), so three groups stay queued."""
    name, text = kernel(256, 64, rs, "promote", True, "lds2")
    new_name = f"k_w256_{'rs' if rs else 'ss'}64_rescale_feed"
    text = text.replace(name, new_name)
    start = text.index("  for (int it = 0; it < iters; it += 1) {")
    end = text.index("  const u64 t1 = clock64();")
    L = ["  float prev_s = 1.0f, prev_sb = 1.0f;\n  u32 ab[2][4][4];\n  for (int it = 0; it < iters; it += 4) {"]
    for b in range(4):
        L.append(f"""
    const float s{b} = scales[(it + {b}) & 63], s{b}b = scales[(it + {b} + 7) & 63];
    const float r{b} = __fdividef(prev_s, s{b}), r{b}b = __fdividef(prev_sb, s{b}b);
    prev_s = s{b}; prev_sb = s{b}b;""")
        for p in range(4):
            if b > 0 or p > 0:
                L.append("\n    wait<3>();")
            if rs and p == 0:
                L.append(f"""
    for (int s = 0; s < 4; ++s)
      asm volatile("ld.shared.v4.u32 {{%0, %1, %2, %3}}, [%4];" : "=r"(ab[{b % 2}][s][0]), "=r"(ab[{b % 2}][s][1]), "=r"(ab[{b % 2}][s][2]), "=r"(ab[{b % 2}][s][3]) : "r"(a_addr ^ (s * 32)));""")
            op = f"ab[{b % 2}][s]" if rs else "da + 2 * s"
            L.append(f"""
    for (int i = 0; i < 32; ++i) freg(out[{p}][i]);
#pragma unroll
    for (int i = 0; i < 32; ++i) out[{p}][i] *= (i & 2) ? r{b}b : r{b};
    fence();
    for (int s = 0; s < 4; ++s) mma_{'rs' if rs else 'ss'}_64({op}, db + ({64 * 128 * p} >> 4) + 2 * s, out[{p}], true);
    commit();""")
    L.append("\n    wait<0>();\n    if (threadIdx.x == 0) feed_tick = it + 4;\n  }\n")
    text = text[:start] + "".join(L) + text[end:]
    return new_name, text

names = []
for v in variants:
    nm, k = kernel(*v)
    names.append((nm, v))
    src.append(k)
for rs in (False, True):
    nm, k = kernel_rescale(rs)
    names.append((nm, (256, 64, rs, "rescale", True)))
    src.append(k)

src.append("""
typedef void (*K)(int, u64*, float*, const void*);
int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IONBF, 0);
  int sms = 0; cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  const int iters = argc > 1 ? atoi(argv[1]) : 4000;
  const int smem = 200 * 1024;  // one CTA per SM
  u64* cycles; float* sink;
  cudaMalloc(&cycles, sms * sizeof(u64)); cudaMalloc(&sink, sms * 256 * sizeof(float));
  struct V { const char* name; K k; int w; int threads; };
  V vs[] = {""" + ", ".join(f'{{"{nm}", {nm}, {v[0]}, {384 if len(v) > 4 and v[4] else 256}}}' for nm, v in names if len(v) > 4) + """};
  void* feed_src; cudaMalloc(&feed_src, 64 * 1024); cudaMemset(feed_src, 0x11, 64 * 1024);
  printf("%-22s %10s %12s %10s %8s\\n", "kernel", "cycles/it", "FMA/clk/SM", "of 4096", "TFLOPS");
  for (int round = 0; round < 3; ++round)
  for (V v : vs) {
    cudaFuncSetAttribute(v.k, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
    v.k<<<sms, v.threads, smem>>>(iters / 10, cycles, sink, feed_src);
    cudaEvent_t e0, e1; cudaEventCreate(&e0); cudaEventCreate(&e1);
    cudaEventRecord(e0);
    v.k<<<sms, v.threads, smem>>>(iters, cycles, sink, feed_src);
    cudaEventRecord(e1);
    cudaError_t err = cudaDeviceSynchronize();
    if (err != cudaSuccess) { printf("%s: %s\\n", v.name, cudaGetErrorString(err)); return 1; }
    float ms; cudaEventElapsedTime(&ms, e0, e1);
    std::vector<u64> c(sms); cudaMemcpy(c.data(), cycles, sms * sizeof(u64), cudaMemcpyDeviceToHost);
    std::sort(c.begin(), c.end());
    const double per_it = (double)c[sms / 2] / iters;
    const double fma = 2.0 * 64 * v.w * 128;  // per CTA and iteration
    printf("%-22s %10.1f %12.1f %9.1f%% %8.1f\\n", v.name, per_it, fma / per_it, 100 * fma / per_it / 4096,
           2 * fma * iters * sms / (ms * 1e-3) * 1e-12);
  }
  return 0;
}
""")
open(sys.argv[1] if len(sys.argv) > 1 else "wgmma_rate.cu", "w").write("\n".join(src))
