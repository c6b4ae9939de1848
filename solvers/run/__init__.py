"""A run: its settings, the TorchScript chunk and the loop that drives it, its
record (history, view, measures) and how it ended (divergence, stationary points,
outcomes); a compare runs many members as one batch."""
