"""Objectives as small TorchScript-compatible torch modules, one module per kind."""
