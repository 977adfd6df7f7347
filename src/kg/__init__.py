"""nq57-kg: a knowledge graph tracing Resolution 57-NQ/TW to provincial tasks and targets."""

__version__ = "0.1.0"
