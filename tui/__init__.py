"""gdlab's Textual app, its command line, the classroom server and the bench.

Importing it changes nothing: the ``gdlab`` command's entry module (tui/main.py)
installs the early Ctrl-C handling.
"""
