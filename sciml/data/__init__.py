"""Operator-learning data: dataset generation pipeline, HDF5 datasets, torch Dataset."""
