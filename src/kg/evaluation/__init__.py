"""Evaluation of the pipeline stages against hand labels."""
