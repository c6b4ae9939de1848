"""The optimizers' update rules (torch): one module each, with its ``build``."""
