"""Approximation and sampling theory, installed as ``sciml.theory``."""
