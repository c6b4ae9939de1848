"""Problems: the torch objectives of the chapters and the facts computed from them
(exact for a quadratic, local at the start otherwise). A chapter builds its problem
(solvers/chapters/); nothing here knows a chapter."""
