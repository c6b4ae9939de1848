"""Standard optimisation test functions, as expressions the user could have typed.

Why data and not code: these are presets for the "your own function" chapter, so
each is exactly the text a user would type, with its known minima, a start, and
settings (η, iterations) with which plain gradient descent gets there. A test
runs every preset with a plain float64 loop and checks it ends within
``tolerance`` (Euclidean distance) of ``minima[reaches]``. Torch-free, like
:mod:`solvers.core.expression`.

Minima are from the literature, refined with Newton's method in float64 where
they are not round numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Minimum:
    """A local minimiser and the function's value there."""

    at: tuple[float, ...]
    value: float
    is_global: bool = True


@dataclass(frozen=True)
class StandardFunction:
    """One preset: an expression, its minima, and settings that reach one of them."""

    key: str
    title: str
    expr: str
    minima: tuple[Minimum, ...]
    start: tuple[float, ...]
    eta: float
    iterations: int
    reaches: int = 0
    """Index in ``minima`` of the minimiser the run from ``start`` ends at."""
    tolerance: float = 1e-3
    """Distance to that minimiser the run ends within (checked by a test)."""
    note: str = ""


HIMMELBLAU_MINIMA = (
    Minimum((3.0, 2.0), 0.0),
    Minimum((-2.805118086952745, 3.131312518250573), 0.0),
    Minimum((-3.779310253377747, -3.283185991286169), 0.0),
    Minimum((3.5844283403304917, -1.8481265269644034), 0.0),
)
DOUBLE_WELL_MINIMA = (
    Minimum((-1.3008395659415772,), -3.51390503893479),
    Minimum((1.1309011226299859,), -1.0702301817761541, is_global=False),
)

FUNCTIONS: tuple[StandardFunction, ...] = (
    StandardFunction(
        "rosenbrock",
        "Rosenbrock's banana valley",
        "(1-x0)**2 + 100*(x1-x0**2)**2",
        (Minimum((1.0, 1.0), 0.0),),
        start=(-1.2, 1.0),
        eta=1.5e-3,
        iterations=12_500,
        note="A curved narrow valley: the steep walls cap η near 0.002 and the flat "
        "floor makes progress slow (11,379 steps to come within 0.001).",
    ),
    StandardFunction(
        "himmelblau",
        "Himmelblau's function",
        "(x0**2 + x1 - 11)**2 + (x0 + x1**2 - 7)**2",
        HIMMELBLAU_MINIMA,
        start=(0.0, 0.0),
        eta=0.01,
        iterations=200,
        note="Four global minima of value 0; the start decides which one is found.",
    ),
    StandardFunction(
        "booth",
        "Booth's function",
        "(x0 + 2*x1 - 7)**2 + (2*x0 + x1 - 5)**2",
        (Minimum((1.0, 3.0), 0.0),),
        start=(0.0, 0.0),
        eta=0.05,
        iterations=200,
        note="A quadratic: Hessian eigenvalues 18 and 2, so stable for η < 1/9.",
    ),
    StandardFunction(
        "matyas",
        "Matyas function",
        "0.26*(x0**2 + x1**2) - 0.48*x0*x1",
        (Minimum((0.0, 0.0), 0.0),),
        start=(10.0, -5.0),
        eta=1.0,
        iterations=500,
        note="A flat quadratic: eigenvalues 1 and 0.04, so the slow direction needs "
        "hundreds of steps even at η = 1.",
    ),
    StandardFunction(
        "sphere",
        "Sphere in three dimensions",
        "x0**2 + x1**2 + x2**2",
        (Minimum((0.0, 0.0, 0.0), 0.0),),
        start=(1.0, -2.0, 3.0),
        eta=0.1,
        iterations=100,
        note="The easiest bowl: every coordinate shrinks by 1 - 2η per step.",
    ),
    StandardFunction(
        "beale",
        "Beale's function",
        "(1.5 - x0 + x0*x1)**2 + (2.25 - x0 + x0*x1**2)**2 + (2.625 - x0 + x0*x1**3)**2",
        (Minimum((3.0, 0.5), 0.0),),
        start=(1.0, 1.0),
        eta=0.01,
        iterations=3_000,
        note="Flat plateaus and sharp ridges; a larger η from this start diverges.",
    ),
    StandardFunction(
        "three_hump_camel",
        "Three-hump camel",
        "2*x0**2 - 1.05*x0**4 + x0**6/6 + x0*x1 + x1**2",
        (
            Minimum((0.0, 0.0), 0.0),
            Minimum((1.7475523458302893, -0.8737761729151446), 0.29863844223685954, False),
            Minimum((-1.7475523458302893, 0.8737761729151446), 0.29863844223685954, False),
        ),
        start=(1.0, 1.0),
        eta=0.05,
        iterations=300,
        note="One global and two local minima.",
    ),
    StandardFunction(
        "double_well",
        "A tilted double well",
        "x**4 - 3*x**2 + x",
        DOUBLE_WELL_MINIMA,
        start=(-2.0,),
        eta=0.01,
        iterations=200,
        note="One variable, two wells; from the left the deeper one is found.",
    ),
    StandardFunction(
        "double_well_local",
        "A tilted double well, started on the right",
        "x**4 - 3*x**2 + x",
        DOUBLE_WELL_MINIMA,
        start=(2.0,),
        eta=0.01,
        iterations=200,
        reaches=1,
        note="The same function: from the right, gradient descent settles in the "
        "shallower, local well.",
    ),
)

BY_KEY = {f.key: f for f in FUNCTIONS}
