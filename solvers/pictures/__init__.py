"""What a run looks like: the landscape under its path, the autograd graph, the
explained step. Each ``*_model`` module is torch-free, beside its torch computation."""
