"""The Textual app: the App, its screens and widgets, its styles, and the run
controller every screen drives its runs with."""
