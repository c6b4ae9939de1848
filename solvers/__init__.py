"""gdlab's solver core: torch and numpy only, never the UI (a test checks)."""
