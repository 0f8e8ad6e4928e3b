"""Krylov solvers (CG, GMRES, GCRO-DR with recycling), preconditioners and solve orderings."""
