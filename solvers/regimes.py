"""What gdlab says about η before a run, for the optimizer and schedule chosen (no torch).

One function, :func:`said_regime`, for the CLI, the regime line and the status line:

* plain descent (or momentum with μ = 0 and no weight decay, the same update) with a
  constant η: the five regimes of :func:`solvers.facts.regime`, or, where no bound
  holds, why not (no minimum, or a Hessian near the start that is not positive
  definite);
* heavy-ball momentum as torch.optim.SGD writes it (v ← μv + (1 − d)g, θ ← θ − ηv):
  on each eigen-component z² − (1 + μ − η(1 − d)λ)z + μ = 0, stable iff
  0 < η(1 − d)λ < 2(1 + μ) (Jury's test, 0 ≤ μ < 1);
* Nesterov (torch's nesterov=True: θ ← θ − η(g + μv)): z² − (1 + μ)(1 − ηλ)z +
  μ(1 − ηλ) = 0, stable iff 0 < ηλ < 2(1 + μ)/(1 + 2μ);
* weight decay w adds w to every λ (the run descends f + (w/2)‖θ‖²);
* the adaptive methods and the line search: one true sentence of what they do instead;
* a schedule other than constant: the first iteration's η only, and that η changes.

Only plain descent's regimes have η presets (``kind``); the others have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from solvers.facts import (
    FLAT_TOLERANCE,
    LOCAL_CAVEAT,
    REGIME_TOLERANCE,
    Curvature,
    Facts,
    Regime,
    Shape,
    regime,
    signed,
)
from solvers.optimizers import CONSTANT, PLAIN, OptimizerChoice, ScheduleChoice


@dataclass(frozen=True)
class Said:
    """What is said about η: a full sentence, a few words, and the regime of plain
    descent where one applies (then, and only then, the η presets apply)."""

    text: str
    short: str
    """A few words, for a short terminal and the status line."""
    kind: Regime | None = None
    local: bool = False
    """The facts behind it are the start's only."""


NOT_PLAIN = "the regimes of plain descent (m o y d) do not apply"

ADAPTIVE = {
    "adagrad": "Adagrad divides η by the root of the sum of all past g² (per coordinate), "
    "so its steps shrink as the run goes on",
    "rmsprop": "RMSprop divides each step by the root of a running average of g² "
    "(per coordinate), so a step's size does not scale with the gradient's",
    "adam": "Adam divides a running average of g by the root of a running average of g² "
    "(bias-corrected, per coordinate), so a step's size depends on η, not on the gradient's "
    "scale",
    "adamw": "AdamW divides a running average of g by the root of a running average of g² "
    "(bias-corrected, per coordinate) and shrinks θ by η·λ·θ, so a step's size depends on η, "
    "not on the gradient's scale",
    "armijo": "the line search halves η until f falls enough (Armijo), starting from the η "
    "typed and then from twice the last one taken, so the step is not η·g for the η typed",
}
"""What each optimizer without a stated bound does instead of plain descent's step."""


def said_regime(
    eta: float,
    facts: Facts,
    optimizer: OptimizerChoice = PLAIN,
    schedule: ScheduleChoice = CONSTANT,
) -> Said | None:
    """What to say about ``eta`` for this optimizer and schedule; None where nothing is
    known (the facts are unknown and the optimizer is plain descent or momentum)."""
    said = _constant(eta, facts, optimizer)
    if said is None or schedule.name == "constant":
        return said
    head = f"η = {eta:g}"
    assert said.text.startswith(head)  # every sentence starts so (the CLI's line too)
    return Said(
        f"{head} at the first iteration{said.text[len(head) :]}; the {schedule.name} "
        "schedule changes η during the run, so this can change",
        f"η scheduled ({schedule.name})",
        None,
        said.local,
    )


def presets_apply(facts: Facts, optimizer: OptimizerChoice, schedule: ScheduleChoice) -> bool:
    """Whether the η presets (m o y d) mean what they say: plain descent's update with a
    constant η, and a known bound (then :func:`said_regime` names a ``kind``)."""
    plain = optimizer.name == "plain" or _is_plain(optimizer)
    return plain and schedule.name == "constant" and facts.stable_eta is not None


def _constant(eta: float, facts: Facts, optimizer: OptimizerChoice) -> Said | None:
    name = optimizer.name
    if name in ADAPTIVE:
        return Said(f"η = {eta:g} with {name}: {ADAPTIVE[name]}; {NOT_PLAIN}", "not plain descent")
    if name == "plain" or _is_plain(optimizer):
        return _plain(eta, facts)
    if name in ("momentum", "nesterov"):
        return _momentum(eta, facts, optimizer)
    return None  # pragma: no cover - every optimizer is listed above


def _is_plain(optimizer: OptimizerChoice) -> bool:
    """torch.optim.SGD with μ = 0 and no weight decay is θ ← θ − η·g, plain descent."""
    values = optimizer.values
    return (
        optimizer.name == "momentum"
        and values.get("momentum") == 0
        and values.get("weight-decay", 0) == 0
    )


def _plain(eta: float, facts: Facts) -> Said | None:
    said = regime(eta, facts)
    if said is not None:
        kind, text = said
        local = not facts.bound_is_global
        return Said(text, kind.value + (" near the start" if local else ""), kind, local)
    why = no_regime(facts)
    if why is None:
        return None
    return Said(f"η = {eta:g}: {why}", why.split(":")[0], None, facts.is_local)


def no_regime(facts: Facts, who: str = "plain descent") -> str | None:
    """Why no regime of ``who`` applies (no minimum, a start that is not in a convex
    bowl, a constant f); None where the facts are unknown or a bound is known."""
    if facts.stable_eta is not None or facts.eigenvalues is None:
        return None
    lam_min, lam_max = (signed(lam) for lam in facts.eigenvalues)
    grows = f"1 − ηλmin > 1 for every η, so {who}"
    if facts.shape is Shape.SADDLE:
        return (
            f"no minimum: f is a saddle (Hessian eigenvalues λmin = {lam_min} < 0 < λmax = "
            f"{lam_max}); each step multiplies the distance from the saddle along λmin's "
            f"direction by {grows} leaves along it, and f is unbounded below"
        )
    if facts.shape is Shape.MAXIMUM:
        if facts.eigenvalues[1] < 0:
            return (
                f"no minimum: f has a maximum (every Hessian eigenvalue < 0, λmax = {lam_max}); "
                f"each step multiplies the distance from it by 1 − ηλ > 1 in every direction, "
                f"for every η, so {who} moves away, and f is unbounded below"
            )
        return (
            f"no minimum: f curves down along some direction and is flat along the others "
            f"(Hessian λmin = {lam_min}, λmax = 0); each step multiplies the distance along "
            f"λmin's direction from where ∇f has no part along it by {grows} moves away, and "
            "f is unbounded below"
        )
    if facts.shape is Shape.UNBOUNDED:
        return (
            "no minimum: f falls linearly along a flat direction of its Hessian (λ = 0, "
            f"where the linear term has a part); for every η {who} moves along it by the "
            "same amount each step and f falls without bound"
        )
    if facts.shape is Shape.VALLEY:
        return "no regime: f is constant (its Hessian and gradient are 0), so no step moves"
    if facts.curvature is Curvature.INDEFINITE:
        return (
            f"no regime near the start: f curves down along some direction there (local "
            f"Hessian λmin = {lam_min} < 0), so no regime of {who} applies"
        )
    if facts.curvature is Curvature.NEGATIVE:
        how = "curves down" if facts.eigenvalues[1] < 0 else "curves down or is flat"
        return (
            f"no regime near the start: f {how} in every direction there (local Hessian "
            f"λmax = {lam_max}), so no regime of {who} applies"
        )
    if facts.curvature is Curvature.FLAT:
        return (
            "no regime near the start: f is flat along some direction there (local Hessian "
            f"λmin = 0), so no regime of {who} applies"
        )
    return None


def momentum_bound(facts: Facts, optimizer: OptimizerChoice) -> float | None:
    """The largest stable η of momentum or Nesterov on the facts' Hessian (shifted by the
    weight decay), or None where no bound holds (see :func:`_momentum`)."""
    values = optimizer.values
    mu = float(values.get("momentum", 0.0))  # type: ignore[arg-type]
    damp = float(values.get("dampening", 0.0)) if mu > 0 else 0.0  # type: ignore[arg-type]
    decay = float(values.get("weight-decay", 0.0))  # type: ignore[arg-type]
    if not facts.spectrum or damp >= 1:
        return None
    shifted = [lam + decay for lam in facts.spectrum]
    top = max(shifted)
    if top <= 0:
        return None
    if decay == 0:
        if facts.stable_eta is None:
            return None  # no minimum, or a start that is not convex: see no_regime
    elif min(shifted) <= FLAT_TOLERANCE * top:
        return None
    if optimizer.name == "nesterov":
        return 2 * (1 + mu) / ((1 + 2 * mu) * top)
    return 2 * (1 + mu) / ((1 - damp) * top)


def _momentum(eta: float, facts: Facts, optimizer: OptimizerChoice) -> Said | None:
    values = optimizer.values
    mu = float(values.get("momentum", 0.0))  # type: ignore[arg-type]
    damp = float(values.get("dampening", 0.0)) if mu > 0 else 0.0  # type: ignore[arg-type]
    decay = float(values.get("weight-decay", 0.0))  # type: ignore[arg-type]
    nesterov = optimizer.name == "nesterov"
    who = "Nesterov momentum" if nesterov else "heavy-ball momentum"
    local = facts.is_local
    where = ", near the start (local Hessian)," if local else ""
    if damp >= 1:
        return Said(
            f"η = {eta:g}: with dampening 1 the velocity takes in no gradient after the first "
            "step, so the steps shrink by μ each time and stop wherever they are; no regime "
            "applies",
            "no regime (dampening 1)",
        )
    bound = momentum_bound(facts, optimizer)
    if bound is None:
        if facts.eigenvalues is None:
            return None
        if decay == 0:
            why = no_regime(facts, who)
            return Said(f"η = {eta:g}: {why}", "no bound", None, local) if why else None
        return Said(
            f"η = {eta:g}{where.rstrip(',')}: weight decay {decay:g} adds {decay:g} to every "
            f"eigenvalue (the run descends f + ({decay:g}/2)‖θ‖²), and λmin + {decay:g} = "
            f"{signed(facts.eigenvalues[0] + decay)} is not > 0: no stability bound of {who} "
            "applies",
            "no bound",
            None,
            local,
        )
    scaled = "ηλ" if damp == 0 else f"η(1 − {damp:g})λ"
    if nesterov:
        rule = "z² − (1 + μ)(1 − ηλ)z + μ(1 − ηλ) = 0, stable iff 0 < ηλ < 2(1 + μ)/(1 + 2μ)"
    else:
        rule = f"z² − (1 + μ − {scaled})z + μ = 0, stable iff 0 < {scaled} < 2(1 + μ)"
    shift = (
        f"; weight decay adds {decay:g} to every λ: the run descends f + ({decay:g}/2)‖θ‖²"
        if decay
        else ""
    )
    target = "the valley" if facts.shape is Shape.VALLEY else "the optimum"
    if decay:
        target = f"the minimum of f + ({decay:g}/2)‖θ‖²"
    if abs(eta - bound) <= REGIME_TOLERANCE * bound:
        place, word = "on", "on the bound"
        then = "along the steepest direction the distance neither shrinks nor grows (a root z = −1)"
    elif eta < bound:
        place, word = "below", "stable"
        then = f"every curved part shrinks (both roots |z| < 1): it converges to {target}"
        if local:
            then = "steps there shrink every part (both roots |z| < 1)"
    else:
        place, word = "above", "unstable"
        then = "along the steepest direction the distance grows (a root |z| > 1): it moves away"
        if local:
            then = "along the steepest direction steps there grow (a root |z| > 1)"
    if local:
        then += f"; {LOCAL_CAVEAT}"
    return Said(
        f"η = {eta:g} is{where} {place} the stability bound of {who} (μ = {mu:g}): each "
        f"component follows {rule}, here η < {bound:.4g}{shift}; {then}; {NOT_PLAIN}",
        word + (" near the start" if local else ""),
        None,
        local,
    )
