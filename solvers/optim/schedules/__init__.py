"""The schedules of η, one module each (no torch)."""
