"""The app's screens: one for each chapter, compare, and the dialogs (export, graph, code, help)."""
