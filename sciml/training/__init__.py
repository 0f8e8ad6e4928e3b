"""Training of neural operators: Trainer, relative Lp and Sobolev losses, checkpoints."""
