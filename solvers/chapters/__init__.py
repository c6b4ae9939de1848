"""Chapters: one module each, behind one protocol (:mod:`solvers.chapters.base`).

A chapter says what it is (title, formula, defaults, the inputs it declares),
builds its torch problem, writes its part of the standalone script and prints an
iteration as the book does. The registry (:mod:`solvers.chapters.registry`) is
what the CLI, the app, compare, export, saved runs and the code view read.
"""
