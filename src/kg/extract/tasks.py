"""Task items: which parts of a document are tasks, and who does them by when."""

from __future__ import annotations

import re

from kg.extract.agencies import normalize_agency, roles_in_text, split_agency_list, starts_with_agency
from kg.extract.deadlines import deadline_in_text, parse_deadline
from kg.model import AgencyMention, Part, Role, Span, Task
from kg.parse.normalize import fold
from kg.parse.tables import TableRow

_TASK_HEADING = re.compile(r"^(cac |mot so )?(nhiem vu|giai phap)")
_ORGANISATION_HEADING = re.compile(r"^(to chuc thuc hien|trach nhiem thuc hien|phan cong)")
_MAX_HEADING_CHARS = 160
_CLOSING = re.compile(r"^(tren day|noi nhan|luu:|tm\.|kt\.|\(dinh kem|nguon tra cuu)")
_MIN_TASK_CHARS = 30
# 'Kế hoạch yêu cầu …', 'Chương trình nhằm …': the document states its purpose (mục đích, yêu
# cầu), which is no task; 'UBND thành phố yêu cầu các sở …' instructs agencies and is one
_PURPOSE = re.compile(r"^(ke hoach|chuong trinh)( hanh dong)?( nay)? (yeu cau|nham|de ra|xac dinh|dat muc tieu)\b")
# 'Sở X chủ trì …', 'Các địa phương có trách nhiệm …': an item assigning duties to an agency
_DUTY = re.compile(r"\b(chu tri|co trach nhiem|la co quan thuong truc|phoi hop voi)\b")


def _children(parts: list[Part]) -> dict[str | None, list[Part]]:
    out: dict[str | None, list[Part]] = {}
    for part in parts:
        out.setdefault(part.parent, []).append(part)
    return out


def section_kind(part: Part) -> str | None:
    """'tasks' or 'organisation' for a heading that opens such a section, else None."""
    if part.kind not in ("section", "item", "appendix") or len(part.heading) > _MAX_HEADING_CHARS:
        return None
    heading = fold(part.heading)
    if _ORGANISATION_HEADING.match(heading):
        return "organisation"
    if _TASK_HEADING.match(heading):
        return "tasks"
    return None


def _leaves(root: Part, children: dict[str | None, list[Part]]) -> list[Part]:
    out = []
    for child in children.get(root.path, []):
        if child.kind in ("row", "appendix"):
            continue
        below = children.get(child.path, [])
        if below and any(p.kind != "paragraph" or len(p.heading) >= _MIN_TASK_CHARS for p in below):
            out.extend(_leaves(child, children))
        else:
            out.append(child)
    return out


def _group_of(part: Part, root: Part, by_path: dict[str, Part]) -> Part:
    current = part
    while current.parent and current.parent != root.path and current.parent in by_path:
        current = by_path[current.parent]
    return current if current.parent == root.path and current is not part else root


def tasks_from_parts(parts: list[Part], jurisdiction: str) -> list[Task]:
    """Leaves under 'nhiệm vụ/giải pháp' and 'tổ chức thực hiện' headings. Without such headings
    (lost in transcription), lettered points are tasks; without those, every long paragraph."""
    children = _children(parts)
    by_path = {p.path: p for p in parts}
    roots = [(p, kind) for p in parts if (kind := section_kind(p)) and p.kind != "row"]
    roots = [(p, k) for p, k in roots if not any(_is_ancestor(q, p, by_path) for q, _ in roots if q is not p)]
    selected: list[tuple[Part, Part, str]] = []
    for root, kind in roots:
        selected.extend((leaf, root, kind) for leaf in _leaves(root, children))
    if not selected:
        points = [p for p in parts if p.kind == "point"]
        pool = points or [p for p in parts if p.kind == "paragraph" and len(p.heading) >= 80
                          and not _PURPOSE.match(fold(p.heading))]
        selected = [(p, by_path.get(p.parent or "", p), "tasks") for p in pool]
    taken = {leaf.path for leaf, _, _ in selected} | {root.path for root, _ in roots}
    for item in _organisation_items(parts, children):
        if not any(_is_ancestor(root, item, by_path) for root, _ in roots):
            selected.extend((leaf, item, "organisation") for leaf in _leaves(item, children) or [item]
                            if leaf.path not in taken)
    tasks = []
    for leaf, root, kind in selected:
        text = leaf.heading.strip()
        if len(text) < _MIN_TASK_CHARS or _CLOSING.match(fold(text)):
            continue
        group = _group_of(leaf, root, by_path) if root is not leaf else leaf
        task = Task(leaf.path, text, leaf.path, group.path, group.heading, kind, leaf.span)
        task.agencies = agencies_in_text(text, leaf.span, jurisdiction)
        task.deadline = deadline_in_text(text, leaf.span)
        tasks.append(task)
    return tasks


def _organisation_items(parts: list[Part], children: dict[str | None, list[Part]]) -> list[Part]:
    """Items of a numbered list (a run restarting at 1) most of whose items open with an agency
    and its duty: an organisation section whose heading was lost in transcription."""
    out = []
    for siblings in children.values():
        runs: list[list[Part]] = []
        for part in siblings:
            if part.kind != "item":
                continue
            if not runs or part.label.rstrip(".)/").split(".")[0] == "1":
                runs.append([])
            runs[-1].append(part)
        for run in runs:
            duties = sum(starts_with_agency(re.sub(r"^Giao\s+", "", p.heading)) and bool(_DUTY.search(fold(p.heading[:200])))
                         for p in run)
            if len(run) >= 2 and 2 * duties > len(run):
                out.extend(run)
    return out


def _is_ancestor(candidate: Part, part: Part, by_path: dict[str, Part]) -> bool:
    current = part
    while current.parent:
        if current.parent == candidate.path:
            return True
        current = by_path.get(current.parent)
        if current is None:
            return False
    return False


def agencies_in_text(text: str, span: Span, jurisdiction: str) -> list[AgencyMention]:
    """The agencies a task names with a role, once per agency and role."""
    mentions, seen = [], set()
    for name, role, start, end in roles_in_text(text):
        agency = normalize_agency(name, jurisdiction)
        if (agency.key, role) not in seen:
            seen.add((agency.key, role))
            mentions.append(AgencyMention(agency, role, Span(span.start + start, span.start + end, text[start:end]),
                                          name.strip()))
    return mentions


def tasks_from_rows(rows: list[TableRow], jurisdiction: str, text: str) -> list[Task]:
    """Rows of a task table (Tên nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian …)."""
    tasks = []
    for row in rows:
        if row.is_group or not row.cells:
            continue
        span = Span(row.start, row.end, text[row.start : row.end])
        task = Task(row.path, row.cells[0], row.path, row.group_path, row.group_heading, "tasks", span)
        for role, names in ((Role.LEAD, row.cell("Cơ quan chủ trì", "Chủ trì")),
                            (Role.COOPERATING, row.cell("Cơ quan phối hợp", "Phối hợp"))):
            task.agencies += [AgencyMention(normalize_agency(n, jurisdiction), role, span, n)
                              for n in split_agency_list(names)]
        task.deadline = parse_deadline(row.cell("Thời gian", "Thời hạn", "Tiến độ"), span)
        task.expected_output = row.cell("Kết quả", "Sản phẩm")
        tasks.append(task)
    return tasks


def is_task_table(rows: list[TableRow]) -> bool:
    return bool(rows) and any("nhiem vu" in fold(h) for h in rows[0].header)
