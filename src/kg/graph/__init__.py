"""Graph stage: data classes -> RDF (one named graph per source document, plus reference graphs)."""
