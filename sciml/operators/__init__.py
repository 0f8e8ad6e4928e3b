"""Neural operators: FNO (dense, Tucker/CP-factorized weights, multigrid patching), MgNO, DeepONet, transform-once (T1)."""
