"""The ``gdlab`` command line: run, code, compare (with one arguments-to-chapter
function and one set of run options), bench and serve are dispatched from here."""
