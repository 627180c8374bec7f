"""Experiment 66's CPU check: the staged bytes of one warp's 16 rows (a 256-wide TMA-store staging tile, 64-column
boxes of 128-byte rows in TMA's 128-byte swizzle) land at the same (row, column) with stmatrix.x4 as with the 4-byte
stores they replace. Mirrors the address arithmetic of kernels/fp8gemm/gemm.cuh before and after
66-epilogue-stmatrix.patch; stmatrix's register i of lane l holds row l / 4, columns 2 (l % 4) and +1 of matrix i,
and lane 8i + r gives the address of matrix i's row r."""


def four_byte_stores(warp, columns=256):
    placed = {}
    for lane in range(32):
        frag_row, frag_col = warp * 16 + lane // 4, (lane % 4) * 2
        base = frag_row * 128 + ((frag_row % 8) << 4) + frag_col * 2
        for j in range(columns // 8):
            at = (base ^ ((j % 8) << 4)) + (j // 8) * 64 * 128
            placed[at] = (frag_row, j * 8 + frag_col)
            placed[at + 8 * 128] = (frag_row + 8, j * 8 + frag_col)
    return placed


def stmatrix_x4(warp, columns=256):
    base = {lane: (warp * 16 + 8 * ((lane // 8) % 2) + lane % 8) * 128 + (((lane // 16) ^ (lane % 8)) << 4)
            for lane in range(32)}
    placed = {}
    for pair in range(columns // 16):
        j = 2 * pair
        for i in range(4):
            for r in range(8):
                row_at = (base[8 * i + r] ^ ((j % 8) << 4)) + (j // 8) * 64 * 128
                for c in range(4):  # lane 4r + c's register i: columns 2c, 2c + 1 of matrix i's row r
                    placed[row_at + 4 * c] = (warp * 16 + 8 * (i % 2) + r, (j + i // 2) * 8 + 2 * c)
    return placed


for columns in (64, 128, 256):
    for warp in range(4):
        assert four_byte_stores(warp, columns) == stmatrix_x4(warp, columns), (columns, warp)
print("stmatrix.x4 places every staged pair where the 4-byte stores did (64-, 128- and 256-wide staging, 4 warps)")
