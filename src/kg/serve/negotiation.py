"""Content negotiation: the query form picks the format family, then Accept (or an explicit
format=/output=/results= parameter, as SPARQLWrapper sends) picks a format inside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.responses import Response

from kg.store.query import DEFAULT_FORMAT, Format, QueryForm, format_named, formats_for
from kg.serve.protocol import ServiceError

HTML = "text/html"


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media_type: str) -> int:
        """2 exact, 1 type/*, 0 */*, -1 no match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges with q-values; other parameters (charset, profile) are ignored; junk skipped."""
    ranges = []
    for position, item in enumerate((header or "").split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q, position))
    return ranges


def _score(ranges: Sequence[MediaRange], media_types: Sequence[str]) -> tuple[float, int, int, int]:
    """(q, specificity, canonical, -position) of the best range matching one of a format's media types.

    An explicit q=0 on any of them refuses the format; the canonical type beats an alias on ties,
    so text/* picks CSV rather than XML-via-text/xml."""
    best = (0.0, -1, 0, 0)
    for canonical, media_type in zip((1, *[0] * (len(media_types) - 1)), media_types):
        matches = [(r.specificity(media_type), r) for r in ranges]
        matches = [(spec, r) for spec, r in matches if spec >= 0]
        if not matches:
            continue
        spec, r = max(matches, key=lambda m: (m[0], -m[1].position))
        if spec == 2 and r.q == 0:
            return (0.0, 2, canonical, 0)
        best = max(best, (r.q, spec, canonical, -r.position))
    return best


def negotiate(form: QueryForm, accept: str | None, override: str | None = None) -> Format | None:
    """The format to send for a result of `form`, or None when nothing acceptable exists (406)."""
    if override and (fmt := format_named(override, form)):
        return fmt
    ranges = parse_accept(accept)
    if not ranges:
        return format_named(DEFAULT_FORMAT[form], form)
    candidates = formats_for(form)
    scored = [(_score(ranges, f.media_types), -i, f) for i, f in enumerate(candidates)]
    (q, spec, _, _), _, fmt = max(scored, key=lambda s: (s[0], s[1]))
    if q <= 0:
        return None
    # A bare */* (or type/*) match means "anything": send the documented default, not table order.
    default = format_named(DEFAULT_FORMAT[form], form)
    if spec < 2 and default and _score(ranges, default.media_types)[:2] == (q, spec):
        return default
    return fmt


def prefers_html(accept: str | None) -> bool:
    """True when text/html is explicitly asked for and ranks at least as high as any RDF type."""
    ranges = parse_accept(accept)
    html = _score(ranges, [HTML])
    if html[1] < 2:
        return False
    rdf = max((_score(ranges, f.media_types) for f in formats_for("graph")), default=(0.0, -1, 0, 0))
    return html[0] >= rdf[0] and html[0] > 0


def supported(form: QueryForm) -> list[str]:
    return [mt for f in formats_for(form) for mt in f.media_types]


def choose(form: QueryForm, accept: str | None, override: str | None) -> Format:
    """The negotiated format, or 406 naming the supported ones."""
    fmt = negotiate(form, accept, override)
    if fmt is None:
        raise ServiceError(406, f"No acceptable format for {form.upper()} results. Supported: {', '.join(supported(form))}.")
    return fmt


def content_type(fmt: Format) -> str:
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


def rdf_response(triples: list[ox.Triple], fmt: Format, prefixes: dict[str, str],
                 headers: dict[str, str] | None = None) -> Response:
    body = ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes)
    return Response(body, media_type=content_type(fmt), headers={"Vary": "Accept", **(headers or {})})
