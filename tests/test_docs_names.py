"""Every `kg` command and every query file the README and docs/ name exists."""

from __future__ import annotations

import re

import click
import pytest

from kg import config
from kg.cli import main

PAGES = [config.PROJECT_ROOT / "README.md", *sorted((config.PROJECT_ROOT / "docs").glob("*.md"))]


def _commands(group: click.Group, prefix: str = "") -> set[str]:
    names = set()
    for name, command in group.commands.items():
        names.add(prefix + name)
        if isinstance(command, click.Group):
            names |= _commands(command, f"{prefix}{name} ")
    return names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_named_commands_and_queries_exist(page) -> None:
    text = page.read_text(encoding="utf-8")
    commands = _commands(main)
    named = set(re.findall(r"`kg ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", text))
    unknown = {n for n in named if n not in commands and n.split()[0] not in commands}
    assert not unknown, f"{page.name} names commands that do not exist: {sorted(unknown)}"
    queries = set(re.findall(r"queries/([\w-]+\.rq)", text))
    missing = {q for q in queries if not (config.QUERIES_DIR / q).is_file()}
    assert not missing, f"{page.name} names queries that do not exist: {sorted(missing)}"
