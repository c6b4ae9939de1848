"""The ``gdlab`` command line: command.py parses and dispatches (run here; code, compare,
bench and serve in their own modules), with one set of run options (run_args.py) and
one arguments-to-chapter function (chapter_args.py)."""
