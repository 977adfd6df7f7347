"""Link stage: local tasks -> the 57-NQ/TW group they serve and the 03/NQ-CP Phụ lục II tasks they localise."""

from kg.link.links import link_document

__all__ = ["link_document"]
