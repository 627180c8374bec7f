#!/usr/bin/env python3
"""Experiment 43: set the operand-b reuse bit on every FFMA (R, R, R, R form) whose next instruction is an FFMA
reading the same register in slot b, in the named kernels of a cubin. Usage: reuse_patch.py IN OUT KERNEL..."""
import struct, sys

def sections(elf):
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    strtab_off = hdrs[shstrndx][4]
    def name(off):
        end = elf.index(b"\0", strtab_off + off)
        return elf[strtab_off + off:end].decode()
    return [(name(h[0]), h[4], h[5]) for h in hdrs]

def is_ffma(lo):
    return (lo & 0xFFF) == 0x223

def patch(elf, kernel):
    for name, off, size in sections(elf):
        if name != ".text." + kernel:
            continue
        n = size // 16
        words = [struct.unpack_from("<QQ", elf, off + 16 * i) for i in range(n)]
        set_count = already = ffma = 0
        for i in range(n - 1):
            lo, hi = words[i]
            if not is_ffma(lo):
                continue
            ffma += 1
            nlo, _ = words[i + 1]
            if is_ffma(nlo) and ((lo >> 32) & 0xFF) == ((nlo >> 32) & 0xFF):
                if hi & (1 << 59):
                    already += 1
                else:
                    hi |= 1 << 59
                    struct.pack_into("<Q", elf, off + 16 * i + 8, hi)
                    set_count += 1
        print(f"{kernel}: {ffma} FFMA, reuse b set on {set_count} more (already {already})")
        return
    raise SystemExit(f"no .text.{kernel}")

elf = bytearray(open(sys.argv[1], "rb").read())
for k in sys.argv[3:]:
    patch(elf, k)
open(sys.argv[2], "wb").write(elf)
