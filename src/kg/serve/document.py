"""The readable part of a resource page: a document's metadata and its parts in document order, each
task with its agencies, deadline and links in words beside its source text; a task or a link alone.

What a page says is read with SPARQL from the served store (parts, agencies, links with their evidence);
the generic property tables of resource.py follow it on the same page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

import pyoxigraph as ox

from kg.graph.ids import BASE
from kg.store.query import PREFIXES, query_union

ONT = PREFIXES["kg"]
ROLES = (("leadAgency", "Lead"), ("cooperatingAgency", "Cooperating"), ("standingAgency", "Standing"),
         ("monitoringAgency", "Monitoring"))
LINK_WORDS = {"implements": "implements", "serves-group": "serves", "echoes": "echoes the national target",
              "measures": "measures the indicator", "replaces": "replaces"}


def _rows(store: ox.Store, query: str, **values: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    """SELECT rows as dicts; `values` are IRIs put in place of `$name` (they come from the store itself)."""
    for name, iri in values.items():
        query = query.replace(f"${name}", str(ox.NamedNode(iri)))
    answer = query_union(store, query)
    variables = [v.value for v in answer.variables]
    return [{v: row[v] for v in variables if row[v] is not None} for row in answer]


def _value(row: dict, key: str, default: str = "") -> str:
    term = row.get(key)
    return term.value if term is not None else default


def kind_of(store: ox.Store, iri: str) -> str:
    """'document' (a policy document with parts), 'part', 'link' or '' (nothing readable beyond the tables)."""
    node = ox.NamedNode(iri)
    types = {q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(PREFIXES["rdf"] + "type"), None)}
    if ONT + "ImplementationLink" in types:
        return "link"
    if types & {ONT + "DocumentPart", ONT + "Task"}:
        return "part"
    if ONT + "PolicyDocument" in types and next(store.quads_for_pattern(
            None, ox.NamedNode(PREFIXES["eli"] + "is_part_of"), node), None) is not None:
        return "document"
    return ""


# --- what is shown --------------------------------------------------------------------------------

@dataclass
class Part:
    iri: str
    parent: str
    local_id: str
    text: str
    position: int | None
    is_task: bool
    facts: list[str] = field(default_factory=list)  # HTML lines: agencies, deadline, output
    links: list[str] = field(default_factory=list)  # HTML lines: one per link, with its evidence
    evidence: list[str] = field(default_factory=list)  # quotes to mark in the text
    inbound: int = 0  # local tasks and targets linked to this (central) part


# Parts are whatever sits under the root except target statements (shown through their part's links);
# a programme that is itself part of a resolution (03/NQ-CP's Chương trình) is named by its number or label.
_PARTS = """SELECT ?part ?parent ?localId ?text ?position ?task WHERE {
  ?part eli:is_part_of* $root ; eli:is_part_of ?parent . FILTER NOT EXISTS { ?part a kg:TargetStatement }
  OPTIONAL { ?part kg:localId ?id } OPTIONAL { ?part eli:id_local ?number } OPTIONAL { ?part rdfs:label ?label }
  BIND(COALESCE(?id, ?number, ?label, "") AS ?localId)
  OPTIONAL { ?part kg:text ?text } OPTIONAL { ?part kg:position ?position }
  OPTIONAL { ?part a kg:Task BIND(true AS ?task) } }"""
_AGENCIES = """SELECT ?part ?role ?agency (MIN(?name) AS ?label) WHERE {
  ?part eli:is_part_of* $root ; ?role ?agency .
  VALUES ?role { kg:leadAgency kg:cooperatingAgency kg:standingAgency kg:monitoringAgency }
  OPTIONAL { ?agency skos:prefLabel ?name } } GROUP BY ?part ?role ?agency ORDER BY ?part ?role ?label"""
_DETAILS = """SELECT ?part ?deadline ?output WHERE { ?part eli:is_part_of* $root .
  OPTIONAL { ?part kg:deadlineText ?deadline } OPTIONAL { ?part kg:expectedOutput ?output }
  FILTER(BOUND(?deadline) || BOUND(?output)) }"""
_LINKS = """SELECT ?link ?source ?type ?target ?status ?confidence ?method ?evidence WHERE {
  ?source eli:is_part_of* $root . ?link kg:linkSource ?source ; kg:linkTarget ?target ; kg:linkType ?typeConcept ;
  kg:reviewStatus ?statusConcept ; kg:confidence ?confidence ; kg:method ?methodConcept .
  OPTIONAL { ?link kg:evidence/oa:hasSelector/oa:exact ?evidence }
  BIND(STRAFTER(STR(?typeConcept), "/link-type/") AS ?type) BIND(STRAFTER(STR(?statusConcept), "/review-status/") AS ?status)
  BIND(STRAFTER(STR(?methodConcept), "/link-method/") AS ?method) }
  ORDER BY ?source DESC(?status = "accepted") DESC(?confidence) ?target"""
_INBOUND = """SELECT ?target (COUNT(DISTINCT ?source) AS ?n) WHERE { ?target eli:is_part_of* $root .
  ?link kg:linkTarget ?target ; kg:linkSource ?source } GROUP BY ?target"""
_NAMES = """SELECT ?target (SAMPLE(?id) AS ?localId) (SAMPLE(?note) AS ?notation) (SAMPLE(?name) AS ?label)
  (SAMPLE(?sym) AS ?symbol) WHERE { VALUES ?target { $targets }
  OPTIONAL { ?target kg:localId ?id } OPTIONAL { ?target skos:notation ?note }
  OPTIONAL { ?target skos:prefLabel|rdfs:label ?name FILTER(LANGMATCHES(LANG(?name), "vi")) }
  OPTIONAL { ?target eli:is_part_of+ ?doc . ?doc eli:id_local ?sym FILTER NOT EXISTS { ?doc eli:is_part_of ?whole } } }
  GROUP BY ?target"""


def directive_names(store: ox.Store, iris: set[str]) -> dict[str, str]:
    """A directive in words: '03/NQ-CP task 13', '57-NQ/TW group 4', 'indicator: …', else its label."""
    if not iris:
        return {}
    rows = _rows(store, _NAMES.replace("$targets", " ".join(str(ox.NamedNode(i)) for i in sorted(iris))))
    names = {}
    for row in rows:
        iri, local_id, symbol = row["target"].value, _value(row, "localId"), _value(row, "symbol")
        if "/concept/nq57-group/" in iri:
            names[iri] = f"57-NQ/TW group {_value(row, 'notation')} ({_cut(_value(row, 'label'), 50)})"
        elif "/concept/indicator/" in iri:
            names[iri] = f"indicator: {_value(row, 'label')}"
        elif local_id.startswith("PL2."):
            names[iri] = f"{symbol} task {local_id[4:]}"
        elif local_id:
            names[iri] = f"{symbol} {'target' if '/target' in iri else 'part'} {local_id}".strip()
        else:
            names[iri] = _value(row, "label") or iri
    return names


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _order_key(part: Part) -> tuple:
    """Document order: where the part starts in the text, then its local id read as numbers and letters."""
    pieces = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.~]", part.local_id))
    return (part.position if part.position is not None else -1, pieces)


def document_parts(store: ox.Store, root: str) -> list[Part]:
    parts = {_value(r, "part"): Part(_value(r, "part"), _value(r, "parent"), _value(r, "localId"), _value(r, "text"),
                                     int(_value(r, "position")) if "position" in r else None, "task" in r)
             for r in _rows(store, _PARTS, root=root)}
    parts.setdefault(root, Part(root, "", "", "", None, False))  # a part page lists itself first
    roles, rank = dict(ROLES), {role: i for i, (role, _) in enumerate(ROLES)}
    agencies = _rows(store, _AGENCIES, root=root)
    agencies.sort(key=lambda r: rank[_value(r, "role").removeprefix(ONT)])  # lead first, as the documents list them
    for r in agencies:
        if _value(r, "part") in parts:
            role = roles[_value(r, "role").removeprefix(ONT)]
            parts[_value(r, "part")].facts.append(f"{role}: {_link(_value(r, 'agency'), _value(r, 'label'))}")
    for r in _rows(store, _DETAILS, root=root):
        if _value(r, "part") in parts:
            part = parts[_value(r, "part")]
            if "deadline" in r:
                part.facts.append(f"Deadline: {escape(_value(r, 'deadline'))}")
            if "output" in r:
                part.facts.append(f"Expected output: {escape(_value(r, 'output'))}")
    links = _rows(store, _LINKS, root=root)
    names = directive_names(store, {_value(r, "target") for r in links})
    for r in links:
        source = parts.get(_value(r, "source")) or parts.get(_value(r, "source").rsplit("/target", 1)[0])
        if source is None:
            continue
        source.links.append(link_sentence(r, names))
        if _value(r, "status") == "accepted" and "evidence" in r:
            source.evidence.append(_value(r, "evidence"))
    for r in _rows(store, _INBOUND, root=root):
        if _value(r, "target") in parts:
            parts[_value(r, "target")].inbound = int(_value(r, "n"))
    return list(parts.values())


def link_sentence(row: dict, names: dict[str, str]) -> str:
    """One link in words: '<status> implements 03/NQ-CP task 13 — confidence 0.82, method …'."""
    target, status = _value(row, "target"), _value(row, "status")
    words = LINK_WORDS.get(_value(row, "type"), _value(row, "type"))
    return (f'<li class="link" data-status="{escape(status)}"><span class="badge {escape(status)}">{escape(status)}</span> '
            f'{escape(words)} {_link(target, names.get(target, target))} '
            f'<small>— confidence {float(_value(row, "confidence", "0")):.2f}, method {escape(_value(row, "method"))}, '
            f'<a href="{escape(_href(_value(row, "link")))}">link</a></small></li>')


# --- HTML ---------------------------------------------------------------------------------------

def _href(iri: str) -> str:
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else iri


def _link(iri: str, text: str) -> str:
    return f'<a href="{escape(_href(iri))}" title="{escape(iri)}">{escape(text or iri)}</a>'


def marked(text: str, quotes: list[str]) -> str:
    """The text, escaped, with each quoted line that occurs in it marked."""
    spans = sorted({(at, at + len(line)) for quote in quotes for line in _quote_lines(quote)
                    if (at := text.find(line)) >= 0})
    out, done = [], 0
    for start, end in spans:
        if start >= done:
            out += [escape(text[done:start]), f"<mark>{escape(text[start:end])}</mark>"]
            done = end
    return "".join(out) + escape(text[done:])


def _quote_lines(quote: str) -> list[str]:
    """A quote's lines without their list labels ('a) ', '1. ', '- '): what the part's text holds."""
    lines = (re.sub(r"^\s*(?:[\w]{1,4}[.)]|[-+•])\s+", "", line).strip() for line in quote.splitlines())
    return [line for line in lines if len(line) > 8]


def parts_html(parts: list[Part], root: str) -> str:
    children: dict[str, list[Part]] = defaultdict(list)
    for part in parts:
        children[part.parent].append(part)

    def tree(items: list[Part]) -> str:
        if not items:
            return ""
        return ('<ol class="parts">' + "".join(f"<li>{part_html(p)}{tree(sorted(children[p.iri], key=_order_key))}</li>"
                                               for p in items) + "</ol>")

    own = next((p for p in parts if p.iri == root), None)
    top = sorted(children.get(root, []), key=_order_key)
    # Unnumbered paragraphs before the first numbered part and after the last (number and place lines,
    # the title, recipients, the signature) are the document's front and back matter, not its body.
    numbered = [i for i, p in enumerate(top) if not _UNNUMBERED.fullmatch(p.local_id)]
    if not numbered or own is None or own.local_id:
        return (part_html(own) if own and own.local_id else "") + tree(top)
    front, body, back = top[:numbered[0]], top[numbered[0]:numbered[-1] + 1], top[numbered[-1] + 1:]
    return _matter("Front matter", front) + tree(body) + _matter("Back matter", back)


_UNNUMBERED = re.compile(r"p\d+")


def _matter(name: str, parts: list[Part]) -> str:
    if not parts:
        return ""
    lines = "".join(f'<p class="matter" data-part="{escape(p.iri)}" lang="vi">{escape(p.text)}</p>' for p in parts)
    return f'<details class="matter"><summary>{name} ({len(parts)} unnumbered lines)</summary>{lines}</details>'



def part_html(part: Part) -> str:
    heading = f'<a href="{escape(_href(part.iri))}">{escape(part.local_id)}</a>'
    taken_up = (f' · <a href="/explore/trace?directive={escape(part.iri)}">taken up by {part.inbound} local '
                f'{"task" if part.inbound == 1 else "tasks"}</a>' if part.inbound else "")
    text = f'<div class="source" lang="vi">{marked(part.text, part.evidence)}</div>' if part.text else ""
    if not (part.is_task or part.facts or part.links):
        return (f'<div class="part" data-part="{escape(part.iri)}"><strong>{heading}</strong> '
                f'<span lang="vi">{marked(part.text, part.evidence)}</span>{taken_up}</div>')
    facts = "".join(f"<li>{fact}</li>" for fact in part.facts)
    links = "".join(part.links)
    return (f'<div class="part task" data-part="{escape(part.iri)}"><strong>{heading}</strong>'
            f'{" <small>task</small>" if part.is_task else ""}{taken_up}<div class="doc-grid">{text}'
            f'<div class="facts">{f"<ul>{facts}</ul>" if facts else ""}{f"<ul class=links>{links}</ul>" if links else ""}'
            f"</div></div></div>")


def link_html(store: ox.Store, iri: str) -> str:
    rows = _rows(store, """SELECT ?link ?source ?type ?target ?status ?confidence ?method ?evidence WHERE {
      VALUES ?link { $link } ?link kg:linkSource ?source ; kg:linkTarget ?target ; kg:linkType ?t ; kg:reviewStatus ?s ;
      kg:confidence ?confidence ; kg:method ?m . OPTIONAL { ?link kg:evidence/oa:hasSelector/oa:exact ?evidence }
      BIND(STRAFTER(STR(?t), "/link-type/") AS ?type) BIND(STRAFTER(STR(?s), "/review-status/") AS ?status)
      BIND(STRAFTER(STR(?m), "/link-method/") AS ?method) }""", link=iri)
    if not rows:
        return ""
    row = rows[0]
    names = directive_names(store, {_value(row, "source"), _value(row, "target")})
    source = _value(row, "source")
    evidence = f"<blockquote lang=vi><mark>{escape(_value(row, 'evidence'))}</mark></blockquote>" if "evidence" in row else ""
    return (f'<section class="card"><p>{_link(source, names.get(source, source))}</p>'
            f'<ul class="links">{link_sentence(row, names)}</ul><p>Evidence:</p>{evidence}</section>')


_META = """SELECT ?title ?label ?number ?date ?issuer ?issuerName ?place ?placeName ?type ?signer ?capacity ?mode
  ?state ?file WHERE { VALUES ?doc { $doc }
  OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc rdfs:label ?label } OPTIONAL { ?doc eli:id_local ?number }
  OPTIONAL { ?doc eli:date_document ?date } OPTIONAL { ?doc eli:type_document ?typeConcept }
  OPTIONAL { ?doc eli:passed_by ?issuer OPTIONAL { ?issuer skos:prefLabel ?issuerName } }
  OPTIONAL { ?doc eli:jurisdiction ?place OPTIONAL { ?place skos:prefLabel ?placeName } }
  OPTIONAL { ?doc kg:signedBy ?signer } OPTIONAL { ?doc kg:signingCapacity ?capacity } OPTIONAL { ?doc kg:signingMode ?mode }
  OPTIONAL { ?doc kg:textState ?state } OPTIONAL { ?doc kg:sourceFile ?file }
  BIND(STRAFTER(STR(?typeConcept), "/doc-type/") AS ?type) } LIMIT 1"""
_RELATED = """SELECT ?relation ?other (SAMPLE(?name) AS ?label) WHERE { VALUES ?doc { $doc }
  VALUES (?property ?relation) { (kg:implements "Implements") (kg:replaces "Replaces") (kg:amends "Amends")
                                 (kg:hasBasis "Based on") (kg:mentions "Cites") }
  ?doc ?property ?other . OPTIONAL { ?other eli:id_local|rdfs:label ?name } }
  GROUP BY ?relation ?other ORDER BY ?relation ?label"""


def metadata_html(store: ox.Store, iri: str) -> str:
    """Title and metadata first: number, date, issuer, province, signer, the documents it implements and cites."""
    found = _rows(store, _META, doc=iri)
    row = found[0] if found else {}
    signer = " ".join(filter(None, (_value(row, "mode"), _value(row, "capacity"), _value(row, "signer"))))
    fields = [("Number", escape(_value(row, "number") or "(none in the text)")), ("Date", escape(_value(row, "date"))),
              ("Type", escape(_value(row, "type").upper())),
              ("Issued by", _link(_value(row, "issuer"), _value(row, "issuerName")) if "issuer" in row else ""),
              ("Province", _link(_value(row, "place"), _value(row, "placeName")) if "place" in row else ""),
              ("Signed", escape(signer)), ("Text", escape(_value(row, "state"))), ("Source file", escape(_value(row, "file")))]
    related: dict[str, list[str]] = defaultdict(list)
    for r in _rows(store, _RELATED, doc=iri):
        related[_value(r, "relation")].append(_link(_value(r, "other"), _value(r, "label")))
    fields += [(relation, ", ".join(links)) for relation, links in related.items()]
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in fields if value)
    title = _value(row, "title")
    return (f'<p class="lead" lang="vi"><strong>{escape(title)}</strong></p>' if title else "") + f'<dl class="meta">{items}</dl>'


def readable(store: ox.Store, iri: str) -> str:
    """The page's readable section for a document, a part or task, or a link; '' for other resources."""
    kind = kind_of(store, iri)
    if kind == "link":
        return link_html(store, iri)
    if not kind:
        return ""
    graph = f'<h2>Neighbourhood</h2><div id="neighbourhood" data-iri="{escape(iri)}"></div>'
    if kind == "document":
        parts = document_parts(store, iri)
        count = sum(1 for p in parts if p.local_id)
        return (metadata_html(store, iri) + f"<h2>Parts in document order ({count})</h2>"
                + f'<section class="document-parts">{parts_html(parts, iri)}</section>' + graph)
    return f'<section class="document-parts">{parts_html(document_parts(store, iri), iri)}</section>' + graph
