"""Chapter 4's objective: a multilayer perceptron's mean squared error on its data.

The forward pass is the one ``torch.nn.Sequential(Linear, Tanh, …, Linear)`` and
``torch.nn.MSELoss`` run, op for op: ``torch.nn.functional.linear`` (what
``nn.Linear.forward`` calls), the activation's functional form (``torch.tanh``,
``torch.relu``, ``torch.sigmoid``: what ``nn.Tanh``, ``nn.ReLU``, ``nn.Sigmoid``
call) and ``torch.nn.functional.mse_loss`` (what ``nn.MSELoss`` calls). So a
script that builds the Sequential and steps ``torch.optim`` computes the same
numbers, bit for bit. The parameters are ``[W1, b1, W2, b2, …]``, shaped as
``nn.Linear`` holds them (W: out × in). TorchScript-compatible, as every objective.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import Tensor

from solvers.problems.objectives.book import Objective

ACTIVATIONS: dict[str, str] = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid"}
"""Each activation offered, and the torch.nn module that applies it."""


class Network(Objective):
    """A perceptron of ``layers`` Linear layers, ``activation`` between them, fitted to
    ``x`` (samples × features) and ``y`` (samples × 1) by mean squared error."""

    __constants__: ClassVar[list[str]] = ["activation", "layers"]

    def __init__(self, x: Tensor, y: Tensor, layers: int, activation: str) -> None:
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"{activation!r} is not an activation offered")
        self.register_buffer("x", x)
        self.register_buffer("y", y)
        self.x: Tensor
        self.y: Tensor
        self.layers = layers
        self.activation = activation
        self.sample_count = int(x.shape[0])
        """The data's rows (a minibatch draws from them)."""

    def _activate(self, h: Tensor) -> Tensor:
        if self.activation == "tanh":
            return torch.tanh(h)
        if self.activation == "relu":
            return torch.relu(h)
        return torch.sigmoid(h)

    @torch.jit.export
    def predict(self, params: list[Tensor], x: Tensor) -> Tensor:
        """The network's outputs on ``x`` (samples × features): samples × 1."""
        h = x
        for i in range(self.layers):
            h = torch.nn.functional.linear(h, params[2 * i], params[2 * i + 1])
            if i < self.layers - 1:
                h = self._activate(h)
        return h

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        loss = torch.nn.functional.mse_loss(self.predict(params, self.x), self.y)
        return loss, loss.new_empty(0)

    @torch.jit.export
    def on_rows(self, params: list[Tensor], rows: Tensor) -> tuple[Tensor, Tensor]:
        """The mean squared error on the data's rows ``rows`` (indices): a minibatch."""
        loss = torch.nn.functional.mse_loss(self.predict(params, self.x[rows]), self.y[rows])
        return loss, loss.new_empty(0)
