"""One float rounding on every x86 CPU: MKL's conditional numerical reproducibility.

MKL picks its matrix-product kernel by the processor: on a CPU with AVX-512 the
float32 product of chapter 3 rounds its last bit otherwise than on one with AVX2
(the book's first ``w.grad`` prints -819.9556 there, -819.9555 in the book; the
float64 value is -819.95549), and a compare's batched product otherwise than a
run's own. ``MKL_CBWR=COMPATIBLE`` makes MKL take the same code path on every
x86 processor. MKL reads the variable at its first call, so it must be set before
any tensor is multiplied, and every process that should agree with gdlab (its
commands, its tests, the scripts `gdlab code` writes) sets it the same way.
"""

from __future__ import annotations

import os

VARIABLE = "MKL_CBWR"
VALUE = "COMPATIBLE"


def pin_rounding() -> None:
    """Ask MKL for its processor-independent code path, unless the user chose one."""
    os.environ.setdefault(VARIABLE, VALUE)
