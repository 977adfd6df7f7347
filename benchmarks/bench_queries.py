"""Benchmark of the query library (queries/*.rq) on pyoxigraph and rdflib, side by side.

Generates a synthetic graph shaped like the one `kg build` writes (reference layer with the 57
groups, the 03/NQ-CP programme and its 140 Phụ lục II tasks, 71/NQ-CP and the ministry mergers;
per province loaded documents with sections, tasks, agencies, deadlines and targets; reified
implementation links with confidence, method, review status and evidence, accepted ones also as
direct triples; a build graph with kg:loaded), writes it as N-Quads into benchmarks/out/ (git-ignored),
then loads it in one worker process per engine and runs every query of queries/ there, printing
load time, peak memory and per-query times.

    python3 benchmarks/bench_queries.py --triples 100000
    python3 benchmarks/bench_queries.py --triples 1000000 --engines oxigraph
    python3 benchmarks/bench_queries.py --provinces 63 --documents 2 --tasks 40

Each engine runs in its own process so that its peak resident memory (VmHWM) is its own.
pyoxigraph: the best of --repeat runs; rdflib: one run, stopped after --rdflib-limit seconds
(SIGALRM; rdflib evaluates in Python, so the alarm interrupts it) and reported as '> N s'.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph

from kg.central.provinces import load_provinces
from kg.central.succession import ministry_events
from kg.extract.agencies import normalize_agency
from kg.extract.places import place_name
from kg.graph import ids
from kg.graph.chains import chain_pairs
from kg.graph.reorganisation import add_change, reorganisation_graph
from kg.model import Agency

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
QUERIES = sorted((ROOT / "queries").glob("*.rq"))

B = ids.BASE
KG = ids.ONT
ELI = "http://data.europa.eu/eli/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
SDO = "https://schema.org/"
QUDT = "http://qudt.org/schema/qudt/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"

# Real province slugs first, so that the queries' default parameters (Đắk Lắk, Quảng Nam, Cần Thơ)
# find data; then the other units of 2024 (data/reference/provinces.json, 63), numbered ones beyond.
# Plans were issued before the provinces merged (1 July 2025): Quảng Nam's counts under Đà Nẵng today.
PROVINCES = ["can-tho", "da-nang", "dak-lak", "quang-nam", "ha-noi", "ho-chi-minh", "hai-phong", "hue",
             "quang-ninh", "nghe-an", "thanh-hoa", "khanh-hoa", "lam-dong", "gia-lai", "dong-nai", "an-giang"]
PROVINCE_MAP = load_provinces(ROOT / "data" / "reference")
if PROVINCE_MAP:
    PROVINCES += [u.slug.removeprefix("vn-") for u in PROVINCE_MAP.units_2024 if u.slug.removeprefix("vn-") not in PROVINCES]
# Ministries and departments as the documents name them; some ended in the 2025 reorganisation
# (kg.central.reorganisation: the ministry changes, the department mergers, the end of the district
# level), so that responsible-now.rq and bodies-gone.rq follow real chains. pl2/97 (n % 10 = 7) is led
# by the Bộ Thông tin và Truyền thông, as in the real 03/NQ-CP.
MINISTRIES = ["Bộ Khoa học và Công nghệ", "Bộ Kế hoạch và Đầu tư", "Bộ Tài chính", "Bộ Nội vụ", "Bộ Công an",
              "Bộ Giáo dục và Đào tạo", "Bộ Tư pháp", "Bộ Thông tin và Truyền thông", "Bộ Công Thương",
              "Bộ Lao động - Thương binh và Xã hội"]
LOCAL_AGENCIES = ["Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư", "Sở Tài chính",
                  "Sở Nội vụ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Công Thương", "Sở Tư pháp", "Sở Xây dựng",
                  "Sở Giao thông vận tải", "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
                  "Sở Tài nguyên và Môi trường", "Ủy ban nhân dân cấp huyện", "Các sở, ban, ngành"]
INDICATORS = ["digital-economy-share", "rd-spending-share", "high-tech-export-share", "tfp-contribution",
              "online-public-services", "researchers-per-10000", "innovation-index-rank", "broadband-coverage"]
WORDS = ("xây dựng triển khai hoàn thiện cơ chế chính sách khoa học công nghệ đổi mới sáng tạo chuyển đổi số "
         "nhân lực hạ tầng dữ liệu doanh nghiệp nghiên cứu phát triển ứng dụng nền tảng dịch vụ công trực tuyến").split()

PROGRAMME = B + "eli/vn/cp/nq/2025/03/ctr"
RES_03 = B + "eli/vn/cp/nq/2025/03"
RES_57 = B + "eli/vn/tw/nq/2024/57"
RES_71 = B + "eli/vn/cp/nq/2025/71"
RUN = B + "prov/run/benchmark"


def iri(value: str) -> str:
    return f"<{value}>"


def lit(value: str, lang: str = "vi") -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class Quads:
    """N-Quads lines for one named graph at a time, counted."""

    def __init__(self, out) -> None:
        self.out = out
        self.count = 0
        self.graph = ""

    def add(self, s: str, p: str, o: str) -> None:
        self.out.write(f"{iri(s)} {iri(p)} {o} {iri(self.graph)} .\n")
        self.count += 1


def agency_iri(name: str, jurisdiction: str) -> str:
    return ids.agency_iri(normalize_agency(name, jurisdiction))


def write_graph(q: Quads, graph: Graph) -> None:
    """An rdflib graph (written by the build's own code) into q's current named graph."""
    for s, p, o in graph:
        q.out.write(f"{s.n3()} {p.n3()} {o.n3()} {iri(q.graph)} .\n")
        q.count += 1


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def deadline(q: Quads, rng: random.Random, task: str) -> None:
    node = task + "/deadline"
    q.add(task, KG + "deadline", iri(node))
    q.add(node, RDF_TYPE, iri(KG + "Deadline"))
    roll = rng.random()
    if roll < 0.4:
        q.add(task, KG + "deadlineText", lit("Thường xuyên"))
        q.add(task, KG + "deadlineKind", iri(ids.concept_iri("deadline-kind", "continuous")))
        return
    year = rng.choice([2025, 2026, 2027, 2030])
    q.add(task, KG + "deadlineKind", iri(ids.concept_iri("deadline-kind", "fixed")))
    q.add(node, RDF_TYPE, iri(TIME + "Instant"))
    if roll < 0.7:
        q.add(task, KG + "deadlineText", lit(f"Năm {year}"))
        q.add(node, TIME + "inXSDgYear", typed(year, "gYear"))
    else:
        month = rng.randint(1, 12)
        q.add(task, KG + "deadlineText", lit(f"Tháng {month}/{year}"))
        q.add(node, TIME + "inXSDgYearMonth", typed(f"{year}-{month:02d}", "gYearMonth"))


def target(q: Quads, rng: random.Random, node: str, part: str, place: str, indicator: str) -> None:
    value = node + "/value-1"
    q.add(node, RDF_TYPE, iri(KG + "TargetStatement"))
    q.add(node, ELI + "is_part_of", iri(part))
    q.add(node, KG + "indicatorText", lit(sentence(rng, 6)))
    q.add(node, KG + "forIndicator", iri(ids.concept_iri("indicator", indicator)))
    q.add(node, KG + "targetYear", typed(rng.choice([2025, 2030]), "gYear"))
    q.add(node, KG + "refArea", iri(place))
    q.add(node, KG + "targetValue", iri(value))
    q.add(value, RDF_TYPE, iri(SDO + "QuantitativeValue"))
    number = rng.randint(1, 80)
    q.add(value, SDO + "value", typed(float(number), "double"))
    q.add(value, QUDT + "hasUnit", iri("http://qudt.org/vocab/unit/PERCENT"))
    q.add(value, KG + "comparator", iri(ids.concept_iri("comparator", rng.choice(["ge", "eq"]))))
    q.add(value, KG + "valueText", lit(f"{number}%"))


def reference(q: Quads, rng: random.Random) -> tuple[list[str], list[str]]:
    """The central layer; returns the 03 task IRIs and the national target IRIs."""
    q.graph = ids.graph_iri("reference")
    scheme = B + "concept/nq57-group"
    for n in range(1, 8):
        group = f"{scheme}/{n}"
        q.add(group, RDF_TYPE, iri(KG + "TaskGroup"))
        q.add(group, SKOS + "inScheme", iri(scheme))
        q.add(group, SKOS + "notation", lit(str(n), ""))
        q.add(group, SKOS + "prefLabel", lit(sentence(rng, 8)))
    for doc, number, date, issuer in ((RES_57, "57-NQ/TW", "2024-12-22", "bo-chinh-tri"),
                                      (RES_03, "03/NQ-CP", "2025-01-09", "chinh-phu"),
                                      (RES_71, "71/NQ-CP", "2025-04-01", "chinh-phu"),
                                      (PROGRAMME, "Chương trình hành động (03/NQ-CP)", "2025-01-09", "chinh-phu")):
        q.add(doc, RDF_TYPE, iri(KG + "PolicyDocument"))
        q.add(doc, ELI + "id_local", lit(number, ""))
        q.add(doc, RDFS_LABEL, lit(number))
        q.add(doc, ELI + "date_document", typed(date, "date"))
        q.add(doc, ELI + "jurisdiction", iri(ids.place_iri("vn")))
        q.add(doc, ELI + "passed_by", iri(f"{B}org/vn/{issuer}"))
    q.add(PROGRAMME, ELI + "is_part_of", iri(RES_03))
    q.add(PROGRAMME, KG + "implements", iri(RES_57))
    q.add(RES_03, KG + "hasBasis", iri(RES_57))
    q.add(RES_71, KG + "replaces", iri(PROGRAMME))
    q.add(RES_71, KG + "amends", iri(PROGRAMME))
    q.add(ids.place_iri("vn"), RDF_TYPE, iri(KG + "Place"))
    q.add(ids.place_iri("vn"), SKOS + "prefLabel", lit("Việt Nam"))
    for ministry in MINISTRIES:
        q.add(agency_iri(ministry, "vn"), RDF_TYPE, iri(ORG + "Organization"))
        q.add(agency_iri(ministry, "vn"), SKOS + "prefLabel", lit(ministry))
        q.add(agency_iri(ministry, "vn"), ELI + "jurisdiction", iri(ids.place_iri("vn")))
    # the ministry changes of 2025 as the central layer states them (mergers, a renaming, splits)
    changes = Graph()
    for change in ministry_events():
        add_change(changes, change)
    write_graph(q, changes)
    indicators = B + "concept/indicator"
    for indicator in INDICATORS:
        concept = ids.concept_iri("indicator", indicator)
        q.add(concept, RDF_TYPE, iri(KG + "Indicator"))
        q.add(concept, SKOS + "inScheme", iri(indicators))
        q.add(concept, SKOS + "notation", lit(indicator, ""))
        q.add(concept, SKOS + "prefLabel", lit(sentence(rng, 5)))
        q.add(concept, SKOS + "prefLabel", lit(indicator.replace("-", " "), "en"))
    tasks = []
    for section in range(1, 8):
        q.add(f"{PROGRAMME}/ii/{section}", ELI + "is_part_of", iri(PROGRAMME))
    for n in range(1, 141):
        task = f"{PROGRAMME}/pl2/{n}"
        tasks.append(task)
        group = 1 + (n - 1) * 7 // 140
        q.add(task, RDF_TYPE, iri(KG + "Task"))
        q.add(task, ELI + "is_part_of", iri(f"{PROGRAMME}/ii/{group}"))
        q.add(task, KG + "localId", lit(f"PL2.{n}", ""))
        q.add(task, KG + "text", lit(sentence(rng, 30)))
        q.add(task, KG + "taskGroup", iri(f"{scheme}/{group}"))
        q.add(task, KG + "leadAgency", iri(agency_iri(MINISTRIES[n % len(MINISTRIES)], "vn")))
        q.add(task, KG + "cooperatingAgency", iri(agency_iri(MINISTRIES[(n * 3) % len(MINISTRIES)], "vn")))
        deadline(q, rng, task)
    national = []
    q.add(f"{PROGRAMME}/pl1", ELI + "is_part_of", iri(PROGRAMME))
    for n, indicator in enumerate(INDICATORS, start=1):
        node = f"{PROGRAMME}/pl1/{n}/target"
        national.append(node)
        target(q, rng, node, f"{PROGRAMME}/pl1", ids.place_iri("vn"), indicator)
    return tasks, national


def link(q: Quads, accepted: Quads, source: str, link_type: str, target_iri: str, confidence: float,
         status: str, doc: str, rank: int) -> None:
    node = ids.link_iri(source, link_type, target_iri)
    q.add(node, RDF_TYPE, iri(KG + "ImplementationLink"))
    q.add(node, KG + "linkSource", iri(source))
    q.add(node, KG + "linkTarget", iri(target_iri))
    q.add(node, KG + "linkType", iri(ids.concept_iri("link-type", link_type)))
    q.add(node, KG + "confidence", typed(f"{confidence:.4f}", "decimal"))
    q.add(node, KG + "method", iri(ids.concept_iri("link-method", "combined")))
    q.add(node, KG + "reviewStatus", iri(ids.concept_iri("review-status", status)))
    q.add(node, KG + "rank", typed(rank, "integer"))
    q.add(node, PROV + "wasGeneratedBy", iri(RUN))
    evidence, selector = node + "/evidence", node + "/evidence/selector"
    q.add(node, KG + "evidence", iri(evidence))
    q.add(evidence, RDF_TYPE, iri(OA + "SpecificResource"))
    q.add(evidence, OA + "hasSource", iri(doc + "/vie/txt"))
    q.add(evidence, OA + "hasSelector", iri(selector))
    q.add(selector, RDF_TYPE, iri(OA + "TextQuoteSelector"))
    q.add(selector, OA + "exact", lit("quote"))
    q.add(selector, OA + "start", typed(rank * 100, "integer"))
    q.add(selector, OA + "end", typed(rank * 100 + 80, "integer"))
    if status == "accepted" and link_type in ("implements", "serves-group"):
        prop = KG + ("implements" if link_type == "implements" else "servesGroup")
        accepted.add(source, prop, iri(target_iri))


def province_documents(q: Quads, links: Quads, accepted: Quads, rng: random.Random, slug: str, documents: int,
                       tasks_per_doc: int, tasks03: list[str], national: list[str],
                       named: set[Agency]) -> Iterator[str]:
    """One province's loaded documents; yields the IRIs of the documents they cite (not loaded) and
    adds the agencies they name to `named` (their changes go into the reorganisation graph)."""
    place = ids.place_iri(f"vn-{slug}")
    agencies = [normalize_agency(name, f"vn-{slug}") for name in LOCAL_AGENCIES]
    committee = normalize_agency("Ủy ban nhân dân", f"vn-{slug}")
    party_programme = f"{B}eli/vn-{slug}/tu/ctr/2025/{rng.randint(40, 90)}"
    yield party_programme
    for d in range(1, documents + 1):
        number = 100 + d
        doc = f"{B}eli/vn-{slug}/ubnd/kh/2025/{number}"
        q.graph = ids.graph_iri("doc", f"{slug}_ubnd_kh-{number}")
        q.add(doc, RDF_TYPE, iri(KG + "PolicyDocument"))
        q.add(doc, KG + "sourceFile", lit(f"sources/{slug}_ubnd_kh-{number}.txt", ""))
        q.add(doc, ELI + "jurisdiction", iri(place))
        q.add(doc, ELI + "id_local", lit(f"{number}/KH-UBND", ""))
        q.add(doc, RDFS_LABEL, lit(f"Kế hoạch {number}/KH-UBND"))
        q.add(doc, ELI + "date_document", typed(f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date"))
        q.add(doc, ELI + "type_document", iri(ids.concept_iri("doc-type", "kh")))
        q.add(doc, ELI + "passed_by", iri(ids.agency_iri(committee)))
        q.add(doc, KG + "signedBy", lit("Nguyễn Văn A"))
        q.add(doc, KG + "implements", iri(party_programme))
        q.add(party_programme, RDF_TYPE, iri(KG + "PolicyDocument"))
        q.add(party_programme, ELI + "id_local", lit("CTr/TU", ""))
        q.add(doc, KG + "implements", iri(RES_71 if d % 2 else RES_57))
        q.add(place, RDF_TYPE, iri(KG + "Place"))
        if place_name(f"vn-{slug}"):
            q.add(place, SKOS + "prefLabel", lit(place_name(f"vn-{slug}")))
        named.update((committee, *agencies))
        for agency in (committee, *agencies):
            node = ids.agency_iri(agency)
            q.add(node, RDF_TYPE, iri(KG + "CollectiveAgent" if agency.collective else ORG + "Organization"))
            q.add(node, ELI + "jurisdiction", iri(place))
            q.add(node, SKOS + "prefLabel", lit(agency.name))
        sections = max(1, tasks_per_doc // 8)
        position = 0
        for s in range(1, sections + 1):
            section = f"{doc}/ii/{s}"
            position += 100
            q.add(section, KG + "position", typed(position, "integer"))
            q.add(section, RDF_TYPE, iri(KG + "DocumentPart"))
            q.add(section, ELI + "is_part_of", iri(doc))
            q.add(section, KG + "localId", lit(f"II.{s}", ""))
            q.add(section, KG + "text", lit(sentence(rng, 8)))
        for t in range(1, tasks_per_doc + 1):
            s = 1 + (t - 1) % sections
            task = f"{doc}/ii/{s}/{t}"
            position += 300
            q.add(task, KG + "position", typed(position, "integer"))
            q.add(task, RDF_TYPE, iri(KG + "DocumentPart"))
            q.add(task, RDF_TYPE, iri(KG + "Task"))
            q.add(task, ELI + "is_part_of", iri(f"{doc}/ii/{s}"))
            q.add(task, KG + "localId", lit(f"II.{s}.{t}", ""))
            text = sentence(rng, 25)
            q.add(task, KG + "text", lit(text))
            q.add(task, RDFS_LABEL, lit(text[:80]))
            q.add(task, KG + "section", lit("tasks", ""))
            q.add(task, KG + "leadAgency", iri(ids.agency_iri(rng.choice(agencies))))
            for agency in rng.sample(agencies, 2):
                q.add(task, KG + "cooperatingAgency", iri(ids.agency_iri(agency)))
            deadline(q, rng, task)
            # three ranked 03 candidates (the first accepted when confident) and a 57 group
            for rank, central in enumerate(rng.sample(tasks03, 3), start=1):
                confidence = rng.uniform(0.2, 0.95) / rank
                links.graph = ids.graph_iri("links")
                link(links, accepted, task, "implements", central, confidence,
                     "accepted" if rank == 1 and confidence > 0.6 else "suggested", doc, rank)
            group = f"{B}concept/nq57-group/{rng.randint(1, 7)}"
            link(links, accepted, task, "serves-group", group, 1.0, "accepted", doc, 1)
        for n in range(1, max(2, tasks_per_doc // 10) + 1):
            node = f"{doc}/pl1/{n}/target"
            position += 200
            q.add(f"{doc}/pl1/{n}", ELI + "is_part_of", iri(doc))
            q.add(f"{doc}/pl1/{n}", KG + "position", typed(position, "integer"))
            indicator = rng.choice(INDICATORS)
            target(q, rng, node, f"{doc}/pl1/{n}", place, indicator)
            link(links, accepted, node, "echoes", national[INDICATORS.index(indicator)], 0.9, "accepted", doc, 1)


def chains(steps: dict[str, set[str]], implements: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(document, what it implements directly or through a chain): kg.graph.chains' rule."""
    return chain_pairs(steps, steps, implements)


def tasks_for(triples: int, provinces: int, documents: int) -> int:
    """Tasks per document that land the graph near `triples`."""
    per_task = 95  # measured: task, deadline, four reified links with evidence, accepted triples, targets
    fixed = 20_000  # reference layer, reorganisation graph, documents' headers and agencies
    return max(5, (triples - fixed) // (provinces * documents * per_task))


def graph_arguments(parser: argparse.ArgumentParser, triples: int) -> None:
    """The synthetic graph's shape options, shared by bench_queries, bench_store and bench_serve."""
    parser.add_argument("--triples", type=int, default=triples, help="approximate size of the synthetic graph")
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--documents", type=int, default=3, help="loaded documents per province")
    parser.add_argument("--tasks", type=int, help="tasks per document (default: chosen from --triples)")
    parser.add_argument("--seed", type=int, default=57)


def synthetic_graph(args: argparse.Namespace) -> Path:
    """The N-Quads file of the shape `args` sets (graph_arguments), generated into benchmarks/out/ if absent."""
    tasks = args.tasks or tasks_for(args.triples, args.provinces, args.documents)
    data = OUT / f"synthetic-p{args.provinces}-d{args.documents}-t{tasks}-s{args.seed}.nq"
    if not data.exists():
        began = time.perf_counter()
        count = generate(data, tasks, args.provinces, args.documents, args.seed)
        print(f"generated {data.relative_to(ROOT)}: {count:,} quads in {time.perf_counter() - began:.1f} s")
    return data


def generate(path: Path, tasks_per_doc: int, provinces: int, documents: int, seed: int) -> int:
    """Write the synthetic graph; returns the number of quads."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        q, links, accepted = Quads(out), Quads(out), Quads(out)
        accepted.graph = ids.graph_iri("links", "accepted")
        tasks03, national = reference(q, rng)
        loaded = [RES_57, RES_03, RES_71, PROGRAMME]
        cited, named = [], set()
        # document-level chains: what each document implements, and every step a chain takes
        # (implements, replaces, amends, whole -> part), as kg.graph.chains reads them
        implements = {PROGRAMME: {RES_57}}
        steps = {PROGRAMME: {RES_57}, RES_03: {PROGRAMME}, RES_71: {PROGRAMME}}
        for p in range(provinces):
            slug = PROVINCES[p] if p < len(PROVINCES) else f"p{p:02d}"
            cites = list(province_documents(q, links, accepted, rng, slug, documents, tasks_per_doc, tasks03,
                                            national, named))
            cited += cites
            for d in range(1, documents + 1):
                doc = f"{B}eli/vn-{slug}/ubnd/kh/2025/{100 + d}"
                loaded.append(doc)
                implements[doc] = steps[doc] = {*cites, RES_71 if d % 2 else RES_57}
        # the reorganisation graph as the build writes it: the 63 + 34 provinces, and the chains
        # of the local bodies the documents name (department mergers, end of the districts, merged provinces)
        q.graph = ids.graph_iri("reorganisation")
        write_graph(q, reorganisation_graph(sorted(named, key=ids.agency_iri), PROVINCE_MAP))
        q.graph = ids.graph_iri("build")
        for doc in loaded:
            q.add(doc, KG + "loaded", typed("true", "boolean"))
        for doc in cited:
            q.add(doc, KG + "loaded", typed("false", "boolean"))
        for doc, target_iri in chains(steps, implements):
            q.add(doc, KG + "implementsTransitively", iri(target_iri))
    return q.count + links.count + accepted.count


# --- the worker: one engine, one process -----------------------------------------------------

def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class TimeLimit(Exception):
    pass


def _alarm(signum, frame) -> None:
    raise TimeLimit


def worker(engine: str, data: Path, limit: float, repeat: int) -> dict:
    """Load `data` into `engine`, run every query; figures as JSON-able dict."""
    baseline = peak_rss_mb()
    start = time.perf_counter()
    if engine == "oxigraph":
        from kg.store.query import load_store, run_query
        store = load_store([data])

        def execute(text: str) -> int:
            return len(run_query(store, text, max_rows=10**8).rows)
    else:
        from rdflib import Dataset
        dataset = Dataset(default_union=True)
        dataset.parse(data, format="nquads")

        def execute(text: str) -> int:
            return len(list(dataset.query(text)))
    load = time.perf_counter() - start
    memory = peak_rss_mb()
    signal.signal(signal.SIGALRM, _alarm)
    results = {}
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        times, rows = [], None
        for _ in range(repeat if engine == "oxigraph" else 1):
            signal.setitimer(signal.ITIMER_REAL, limit)
            began = time.perf_counter()
            try:
                rows = execute(text)
                times.append(time.perf_counter() - began)
            except TimeLimit:
                times.append(None)
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        results[path.stem] = {"seconds": None if None in times else min(times), "rows": rows}
    return {"engine": engine, "load_s": load, "peak_rss_mb": memory, "baseline_rss_mb": baseline, "queries": results}


def cell(result: dict | None, name: str, limit: float) -> str:
    if result is None:
        return "-"
    entry = result["queries"][name]
    if entry["seconds"] is None:
        return f"> {limit:g} s"
    return f"{entry['seconds']:.3f} s ({entry['rows']})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    graph_arguments(parser, 100_000)
    parser.add_argument("--engines", default="oxigraph,rdflib", help="comma-separated: oxigraph, rdflib")
    parser.add_argument("--rdflib-limit", type=float, default=120.0, help="seconds per query on rdflib")
    parser.add_argument("--repeat", type=int, default=3, help="pyoxigraph runs per query (best kept)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        json.dump(worker(args.worker, args.data, args.rdflib_limit, args.repeat), sys.stdout)
        return

    data = synthetic_graph(args)
    count = sum(1 for _ in data.open(encoding="utf-8"))
    print(f"graph: {count:,} quads ({data.name})")
    results: dict[str, dict] = {}
    for engine in args.engines.split(","):
        command = [sys.executable, __file__, "--worker", engine, "--data", str(data),
                   "--rdflib-limit", str(args.rdflib_limit), "--repeat", str(args.repeat)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[engine] = json.loads(done.stdout)
    ox_, rl = results.get("oxigraph"), results.get("rdflib")
    print("\n| | pyoxigraph | rdflib |\n|---|---|---|")
    for label, key, fmt in (("load", "load_s", "{:.1f} s"), ("peak RSS after load", "peak_rss_mb", "{:.0f} MB"),
                            ("RSS before load (interpreter)", "baseline_rss_mb", "{:.0f} MB")):
        print(f"| {label} | " + " | ".join(fmt.format(r[key]) if r else "-" for r in (ox_, rl)) + " |")
    for path in QUERIES:
        print(f"| {path.name} | {cell(ox_, path.stem, args.rdflib_limit)} | {cell(rl, path.stem, args.rdflib_limit)} |")
    if ox_ and rl:
        differ = [p.stem for p in QUERIES if rl["queries"][p.stem]["seconds"] is not None
                  and rl["queries"][p.stem]["rows"] != ox_["queries"][p.stem]["rows"]]
        print("\nrow counts agree between engines" if not differ else f"\nrow counts differ: {', '.join(differ)}")


if __name__ == "__main__":
    main()
