"""Optimizers and η schedules, one module each, and the registry that collects them.

The modules directly here import no torch (the app's first frame and the
settings' validation read them); each optimizer's TorchScript update rule lives
in :mod:`solvers.optim.rules`, loaded by name when a run is made.
"""
