"""The columns a minibatch run appends to its rows (solvers/run/batches.py), named in
one place that the layout (solvers/run/history.py) and the words about them
(solvers/run/epochs.py) both read; it imports nothing."""

EPOCH = "epoch"
"""The column holding each iteration's epoch (0-based)."""
FULL_OBJECTIVE = "full_objective"
"""The column holding the objective on every data row, at each epoch's first iteration."""
COLUMNS = (EPOCH, FULL_OBJECTIVE)
"""The columns a minibatch run appends to its rows, in order."""
