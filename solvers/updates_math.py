"""Each optimizer's update written out in plain text, as torch.optim's docs do (no torch).

θ is a parameter, g its gradient at θ, η this iteration's learning rate; the
names of the recorded columns are in brackets.
"""

from __future__ import annotations

FORMULAS: dict[str, tuple[str, ...]] = {
    "plain": ("θ ← θ − η·g   (the book's w.data -= eta * w.grad)",),
    "momentum": (
        "g ← g + λ·θ   (weight decay λ ≠ 0)",
        "v ← g at the first step, then v ← μ·v + (1 − d)·g   [v]",
        "θ ← θ − η·v   [step]   (μ = 0: θ ← θ − η·g, torch.optim.SGD)",
    ),
    "nesterov": (
        "g ← g + λ·θ   (weight decay λ ≠ 0)",
        "v ← g at the first step, then v ← μ·v + g   [v]",
        "θ ← θ − η·(g + μ·v)   [step]   (looks ahead along the velocity)",
    ),
    "adagrad": (
        "g ← g + λ·θ   (weight decay λ ≠ 0)",
        "G ← G + g²   [sum]",
        "θ ← θ − η·g / (√G + ε)   [step]",
    ),
    "rmsprop": (
        "g ← g + λ·θ   (weight decay λ ≠ 0)",
        "v2 ← α·v2 + (1 − α)·g²   [v2]",
        "θ ← θ − η·g / (√v2 + ε)   [step]",
        "with momentum μ > 0: v ← μ·v + g / (√v2 + ε), θ ← θ − η·v   [v]",
    ),
    "adam": (
        "g ← g + λ·θ   (weight decay λ ≠ 0, L2)",
        "m ← β₁·m + (1 − β₁)·g   [m]",
        "v2 ← β₂·v2 + (1 − β₂)·g²   [v2]",
        "θ ← θ − (η / (1 − β₁ᵗ))·m / (√v2 / √(1 − β₂ᵗ) + ε)   [step]",
    ),
    "adamw": (
        "θ ← θ·(1 − η·λ)   (decoupled weight decay)",
        "m ← β₁·m + (1 − β₁)·g   [m]",
        "v2 ← β₂·v2 + (1 − β₂)·g²   [v2]",
        "θ ← θ − (η / (1 − β₁ᵗ))·m / (√v2 / √(1 − β₂ᵗ) + ε)   [step]",
    ),
    "armijo": (
        "try η; while f(θ − η·g) > f(θ) − c·η·‖g‖²: η ← η/2   (c = 1e-4)   [eta, halvings]",
        "θ ← θ − η·g   [step]; the next iteration starts from 2η",
    ),
}
"""The update of each optimizer, one line per operation, in torch.optim's order."""
