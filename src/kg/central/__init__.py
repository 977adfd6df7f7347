"""The central layer: 57-NQ/TW, 03/NQ-CP (programme, Phụ lục I and II), 71/NQ-CP, as reference data."""

from kg.central.layer import CentralLayer
from kg.central.parse import CorpusMissing, parse_central
from kg.central.store import load_reference, write_layer

__all__ = ["CentralLayer", "CorpusMissing", "load_reference", "parse_central", "write_layer"]
