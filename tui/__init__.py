"""gdlab's Textual app and the gdlab command."""
