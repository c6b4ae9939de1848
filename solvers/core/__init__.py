"""The vocabulary every layer shares, without torch or numpy: what a problem is
(specs), what is known of it (facts), the rules for typed values (validation), an
expression and its degree, a run's stop flag, and the rounding mode."""
