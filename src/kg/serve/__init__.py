"""HTTP service: the SPARQL endpoint and read-only graph store (see docs/endpoint.md)."""

from kg.serve.app import create_app

__all__ = ["create_app"]
