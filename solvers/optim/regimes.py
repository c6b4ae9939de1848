"""What gdlab says about η before a run, for the optimizer and schedule chosen (no torch).

One function, :func:`said_regime`, for the CLI, the regime line and the status line:

* plain descent (or momentum with μ = 0 and no weight decay, the same update) with a
  constant η: the five regimes of :func:`solvers.core.facts.regime`, or, where no bound
  holds, why not (no minimum, or a Hessian at the start that is not positive definite);
* heavy-ball momentum as torch.optim.SGD writes it (v ← μv + (1 − d)g, θ ← θ − ηv):
  on each eigen-component z² − (1 + μ − η(1 − d)λ)z + μ = 0, stable iff
  0 < η(1 − d)λ < 2(1 + μ) (Jury's test, 0 ≤ μ < 1);
* Nesterov (torch's nesterov=True: θ ← θ − η(g + μv)): z² − (1 + μ)(1 − ηλ)z +
  μ(1 − ηλ) = 0, stable iff 0 < ηλ < 2(1 + μ)/(1 + 2μ);
* weight decay w adds w to every λ (the run descends f + (w/2)‖θ‖²);
* the adaptive methods and the line search: one true sentence of what they do instead;
* a schedule other than constant: the first iteration's η only, and that η changes.

Each :class:`Said` has a ``text`` short enough for the app's regime line (four lines of
33 columns) and a ``detail`` with the mathematics, which the CLI adds.
"""

from __future__ import annotations

from dataclasses import dataclass

from solvers.core.facts import (
    FLAT_TOLERANCE,
    REGIME_TOLERANCE,
    Curvature,
    Facts,
    Regime,
    Shape,
    regime,
    regime_factor,
    signed,
)
from solvers.optim.choices import CONSTANT, PLAIN, OptimizerChoice, ScheduleChoice
from solvers.optim.registry import OPTIMIZER_SPECS


@dataclass(frozen=True)
class Said:
    """What is said about η: a short sentence, a word or two, the mathematics behind it,
    and plain descent's regime where one applies (then, and only then, the presets)."""

    text: str
    """``η = 0.4: monotone. Below 1/λmax = 1, …``: the app's regime line."""
    short: str
    """``monotone``, ``no minimum``: a word or two for a short terminal and the status line
    (with "near start" where ``local``: see :attr:`label`)."""
    kind: Regime | None = None
    local: bool = False
    """The facts behind it are the start's only."""
    detail: str = ""
    """The mathematics behind it (the CLI prints it after the text)."""

    @property
    def label(self) -> str:
        """The short words with their reach: ``monotone`` or ``near start: divergent``."""
        return f"near start: {self.short}" if self.local else self.short

    @property
    def line(self) -> str:
        """The text and its detail, as the CLI prints them."""
        return f"{self.text} ({self.detail})" if self.detail else self.text


_NEAR = " near the start"
NOT_PLAIN = "m o y d are plain descent's regimes"

MOMENTUM_BOUNDS = ("momentum", "nesterov")
"""The optimizers whose stability bound on a quadratic is stated (:func:`_momentum`);
every other one but plain descent says what it does instead (its spec's ``instead``)."""


def said_regime(
    eta: float,
    facts: Facts,
    optimizer: OptimizerChoice = PLAIN,
    schedule: ScheduleChoice = CONSTANT,
    batch: int | None = None,
) -> Said | None:
    """What to say about ``eta`` for this optimizer and schedule, with ``batch`` rows an
    iteration (None: every row); None where nothing is known (unknown facts, with plain
    descent or momentum)."""
    if _bounded(optimizer) and uses_rows(batch, facts):
        return _minibatch(eta, facts, batch or 0, optimizer, schedule)
    said = _constant(eta, facts, optimizer)
    if said is None or schedule.name == "constant":
        return said
    changes = f"the {schedule.name} schedule changes η during the run"
    if said.kind is None:
        detail = f"{said.detail}; {changes}" if said.detail else changes
        return Said(said.text, said.short, None, said.local, detail)
    return Said(
        f"η = {eta:g}: {said.short}{_NEAR * said.local} at first. The {schedule.name} "
        "schedule changes η during the run, and the regime with it",
        "scheduled",
        None,
        said.local,
        said.detail,
    )


def presets_apply(
    facts: Facts, optimizer: OptimizerChoice, schedule: ScheduleChoice, batch: int | None = None
) -> bool:
    """Whether the η presets (m o y d) mean what they say: plain descent's update with a
    constant η on every row, and a known bound (then :func:`said_regime` names a ``kind``)."""
    plain = optimizer.name == "plain" or _is_plain(optimizer)
    full = not uses_rows(batch, facts)
    return plain and full and schedule.name == "constant" and facts.stable_eta is not None


def uses_rows(batch: int | None, facts: Facts) -> bool:
    """Whether a batch size takes fewer rows than a least-squares loss has (minibatches)."""
    return batch is not None and 0 < batch < facts.rows


def _bounded(optimizer: OptimizerChoice) -> bool:
    """Plain descent and the momentum methods: the ones a full-batch bound is said of."""
    return optimizer.name == "plain" or _is_plain(optimizer) or optimizer.name in MOMENTUM_BOUNDS


def _minibatch(
    eta: float, facts: Facts, batch: int, optimizer: OptimizerChoice, schedule: ScheduleChoice
) -> Said:
    """What is exact of a batch's step on a least-squares loss (Facts.batch_curvature): each
    batch's loss has its own curvature, up to N·max‖aᵢ‖², and the full-batch regime and
    bound say nothing of it."""
    top = facts.batch_curvature or 0.0
    limit = 2.0 / top if top > 0 else float("inf")
    first = " at first" if schedule.name != "constant" else ""
    text = (
        f"η = {eta:g}{first} with batches of {batch:,} of the {facts.rows:,} rows: full-batch "
        f"descent's regime does not apply. A batch's loss curves by up to N·max‖[xᵢ 1]‖² = "
        f"{top:.4g} (a one-row batch's)"
    )
    if optimizer.name == "plain" or _is_plain(optimizer):
        if eta < limit:
            text += (
                f"; η < 2/that = {limit:.4g}, so no batch's step moves θ away from that "
                "batch's own fits"
            )
        else:
            text += f"; η ≥ 2/that = {limit:.4g}: a batch's step can overshoot that batch's fits"
    text += (
        ". At the optimum the batches' gradients do not all vanish (unless every row is "
        "fitted exactly), so a constant η cannot settle on it"
    )
    full = facts.stable_eta
    detail = f"full-batch plain descent is stable for η < {full:.6g}" if full else ""
    return Said(text, "minibatches", None, False, detail)


def _constant(eta: float, facts: Facts, optimizer: OptimizerChoice) -> Said | None:
    name = optimizer.name
    if name == "plain" or _is_plain(optimizer):
        return _plain(eta, facts)
    if name in MOMENTUM_BOUNDS:
        return _momentum(eta, facts, optimizer)
    what, detail = _instead(name)
    return Said(
        f"η = {eta:g}: no regime. {_capital(what)}; {NOT_PLAIN}",
        "no regime",
        None,
        False,
        detail,
    )


def _instead(name: str) -> tuple[str, str]:
    """What optimizer ``name`` does instead of plain descent's step, and the detail."""
    spec = OPTIMIZER_SPECS[name]
    what, detail = spec.instead
    if what:
        return what, detail
    return spec.summary, "no bound of plain descent's η applies to its steps"


def _capital(text: str) -> str:
    """The sentence with a capital (a leading η or λ stays as it is)."""
    return text[:1].upper() + text[1:] if text[:1].isascii() else text


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
        kind, why = said
        local = not facts.bound_is_global
        text = f"η = {eta:g}: {kind.value}{_NEAR * local}. {_capital(why)}"
        return Said(text, kind.value, kind, local, regime_factor(eta, facts))
    none = no_regime(facts)
    if none is None:
        return None
    word, sentence, detail = none
    local = facts.is_local
    return Said(f"η = {eta:g}: {word}{_NEAR * local}. {sentence}", word, None, local, detail)


def no_regime(facts: Facts, who: str = "descent") -> tuple[str, str, str] | None:
    """Why no regime of ``who`` applies, as (a few words, a sentence, the detail); None
    where the facts are unknown or a bound is known."""
    if facts.stable_eta is not None or facts.eigenvalues is None:
        return None
    lam_min, lam_max = (signed(lam) for lam in facts.eigenvalues)
    plain = who == "descent"
    factor = (
        "each step multiplies the offset along λmin's direction by 1 − ηλmin > 1"
        if plain  # momentum's z² − (1 + μ − ηλ)z + μ has a root > 1 where ηλ < 0
        else "the offset along λmin's direction grows geometrically"
    )
    grows = f"f is unbounded below; for every η {factor}; λmin = {lam_min}, λmax = {lam_max}"
    if facts.shape is Shape.SADDLE:
        leaves = f"{who} leaves along λmin = {lam_min} < 0 unless it starts with no offset along it"
        return "no minimum", f"f is a saddle: {leaves}", grows
    if facts.shape is Shape.MAXIMUM:
        if facts.eigenvalues[1] < 0:
            away = f"{who} moves away unless it starts on it"
            return "no minimum", f"f has a maximum (every λ < 0): {away}", grows
        away = f"{who} moves away unless it starts on the ridge"
        return "no minimum", f"f curves down (λmin = {lam_min} < 0): {away}", grows
    if facts.shape is Shape.UNBOUNDED:
        return (
            "no minimum",
            f"f falls linearly along a flat direction (λ = 0): {who} moves on along it",
            "f is unbounded below; for every η the offset along it grows "
            + ("by the same amount each step" if plain else "without bound")
            + f"; λmax = {lam_max}",
        )
    if facts.shape is Shape.VALLEY:
        return "no regime", "f is constant: no step moves", ""
    where = "no regime"
    if facts.curvature is Curvature.INDEFINITE:
        return where, f"f curves down along some direction there (λmin = {lam_min})", ""
    if facts.curvature is Curvature.NEGATIVE:
        how = "curves down" if facts.eigenvalues[1] < 0 else "curves down or is flat"
        return where, f"f {how} in every direction there (λmax = {lam_max})", ""
    if facts.curvature is Curvature.FLAT:
        return where, "f is flat along some direction there (λmin = 0)", ""
    return None


def momentum_bound(facts: Facts, optimizer: OptimizerChoice) -> float | None:
    """The largest stable η of momentum or Nesterov on the facts' Hessian (shifted by the
    weight decay), or None where no bound holds."""
    mu, damp, decay = _knobs(optimizer)
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


def _knobs(optimizer: OptimizerChoice) -> tuple[float, float, float]:
    """(μ, dampening, weight decay); dampening 0 without momentum, as torch.optim.SGD."""
    values = optimizer.values
    mu = float(values.get("momentum", 0.0))  # type: ignore[arg-type]
    damp = float(values.get("dampening", 0.0)) if mu > 0 else 0.0  # type: ignore[arg-type]
    decay = float(values.get("weight-decay", 0.0))  # type: ignore[arg-type]
    return mu, damp, decay


def _momentum(eta: float, facts: Facts, optimizer: OptimizerChoice) -> Said | None:
    mu, damp, decay = _knobs(optimizer)
    nesterov = optimizer.name == "nesterov"
    who = "Nesterov" if nesterov else "Momentum"
    local = facts.is_local
    if damp >= 1:
        return Said(
            f"η = {eta:g}: no regime. With dampening 1 the velocity takes in no gradient after "
            "the first step",
            "no regime",
            detail="the steps shrink by μ each time and stop wherever they are",
        )
    bound = momentum_bound(facts, optimizer)
    if bound is None:
        if decay == 0:
            why = no_regime(facts, who.lower() if nesterov else "momentum")
            if why is None:
                return None
            word, sentence, detail = why
            text = f"η = {eta:g}: {word}{_NEAR * local}. {sentence}"
            return Said(text, word, None, local, detail)
        assert facts.eigenvalues is not None
        return Said(
            f"η = {eta:g}: no bound. Weight decay {decay:g} leaves λmin + {decay:g} = "
            f"{signed(facts.eigenvalues[0] + decay)} ≤ 0",
            "no bound",
            None,
            local,
            f"the run descends f + ({decay:g}/2)‖θ‖², whose Hessian is H + {decay:g}·I",
        )
    lam = "λmax" if decay == 0 else f"(λmax + {decay:g})"
    if nesterov:
        formula = f"2(1 + μ)/((1 + 2μ){lam})"
        rule = "z² − (1 + μ)(1 − ηλ)z + μ(1 − ηλ) = 0, stable iff 0 < ηλ < 2(1 + μ)/(1 + 2μ)"
    else:
        formula = f"2(1 + μ)/{lam}" if damp == 0 else f"2(1 + μ)/((1 − {damp:g}){lam})"
        scaled = "ηλ" if damp == 0 else f"η(1 − {damp:g})λ"
        rule = f"z² − (1 + μ − {scaled})z + μ = 0, stable iff 0 < {scaled} < 2(1 + μ)"
    detail = f"each eigen-component follows {rule}"
    if decay:
        detail += f"; weight decay adds {decay:g} to every λ (f + ({decay:g}/2)‖θ‖² is descended)"
    detail += f"; {NOT_PLAIN}"
    if abs(eta - bound) <= REGIME_TOLERANCE * bound:
        word = "on the bound"
        does = f"is at η = {formula}: the steepest part neither shrinks nor grows"
    elif eta < bound:
        word = "stable"
        does = (
            f"{'is stable at the start' if local else 'converges'} iff η < {formula} = {bound:.4g}"
        )
    else:
        word = "unstable"
        does = f"{'is unstable at the start' if local else 'diverges'}: η > {formula} = {bound:.4g}"
    if local:
        detail = f"the start's Hessian changes along the path; {detail}"
    text = f"η = {eta:g}: {word}{_NEAR * local}. {who} (μ = {mu:g}) {does}"
    return Said(text, word, None, local, detail)
