"""The graph in a triple store: loading built RDF and running queries with limits (`query`), an
on-disk pyoxigraph store built from the build's quads, opened read-only by `kg serve --store`, and
the bridge to other SPARQL servers (publishing the named graphs over the Graph Store Protocol,
running library queries against a remote endpoint).

Serve, validate, export and the query commands use it; it reads built RDF files and never imports
serve or the build stages.
"""

from kg.store.persistent import StoreError, build_store, open_store
from kg.store.publish import PublishError, publish
from kg.store.remote import RemoteError, remote_query

__all__ = ["PublishError", "RemoteError", "StoreError", "build_store", "open_store", "publish", "remote_query"]
