"""The source tree and the README's map of it agree, and its modules stay readable (issue 18).

The map is the table under "### The source tree" in the README: one row per folder of
`src/dyad`, whose first cell is the folder and whose second names the modules it holds.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dyad"
MODULE_LINES = 420  # "no module over about 400 lines"
CLASS_LINES = 220  # "and no class over about 200"


def readme_map(readme: str) -> dict[str, str]:
    """Folder (relative to the repository) -> the rest of its row, from the README's map."""
    section = readme.split("### The source tree", 1)
    if len(section) < 2:
        return {}
    body = re.split(r"\n#{1,3} ", section[1], maxsplit=1)[0]
    rows = {}
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        found = re.fullmatch(r"`([\w/.-]+/)`", cells[0]) if line.startswith("|") else None
        if found:
            rows[found.group(1).rstrip("/")] = " ".join(cells[1:])
    return rows


def folders() -> set[str]:
    return {str(p.relative_to(ROOT)) for p in [PACKAGE, *PACKAGE.rglob("*")]
            if p.is_dir() and p.name != "__pycache__" and not p.name.endswith(".egg-info")}


def test_every_folder_is_in_the_readme_map_and_every_mapped_folder_exists() -> None:
    mapped = set(readme_map((ROOT / "README.md").read_text(encoding="utf-8")))
    assert mapped, "the README has no '### The source tree' table"
    assert sorted(folders() - mapped) == [], "folders missing from the README's map"
    assert sorted(mapped - folders()) == [], "the README's map names folders that do not exist"


def test_every_module_the_map_names_is_in_its_folder() -> None:
    for folder, row in readme_map((ROOT / "README.md").read_text(encoding="utf-8")).items():
        for name in re.findall(r"`([\w]+\.py)`", row):
            assert (ROOT / folder / name).is_file(), f"the README's map puts {name} in {folder}/"


def test_the_map_names_every_module_of_each_folder() -> None:
    for folder, row in readme_map((ROOT / "README.md").read_text(encoding="utf-8")).items():
        named = set(re.findall(r"`([\w]+\.py)`", row))
        modules = {p.name for p in (ROOT / folder).glob("*.py")} - {"__init__.py", "__main__.py"}
        assert sorted(modules - named) == [], f"the README's map of {folder}/ leaves these out"


def test_every_event_field_names_the_modules_that_set_it() -> None:
    """The event schema table's "set by" column: a reader finds the module that sets a field."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Event schema", 1)[1].split("\n\n| field | meaning | set by |", 1)
    assert len(table) == 2, "the event schema table has no 'set by' column"
    names = {p.name for p in PACKAGE.rglob("*.py")}
    rows = [line for line in table[1].split("\n\n", 1)[0].splitlines() if line.startswith("| `")]
    assert len(rows) >= 15
    for line in rows:
        set_by = line.rstrip(" |").rsplit(" | ", 1)[1]
        modules = re.findall(r"`([\w/]+\.py)`", set_by)
        assert modules, f"no module sets {line.split(' | ')[0]}"
        for module in modules:
            assert (PACKAGE / module).is_file() if "/" in module else module in names, module


def test_the_map_reader_reads_rows_and_ignores_other_sections() -> None:
    text = ("# X\n### The source tree\n| folder | holds |\n|---|---|\n| `src/a/` | `b.py` |\n"
            "| `src/a/c/` | data |\n### Next\n| `src/z/` | not the map |\n")
    assert readme_map(text) == {"src/a": "`b.py`", "src/a/c": "data"}
    assert readme_map("# no map\n") == {}


def test_every_test_folder_is_named_for_the_code_it_tests() -> None:
    """tests/coding/events tests src/dyad/coding/events/, tests/coding/clean src/dyad/coding/clean.py;
    `data` (shared test data) and `serve/browser` (the pages in Chromium) are the exceptions."""
    tests = ROOT / "tests"
    for folder in sorted(p for p in tests.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        relative = folder.relative_to(tests)
        if relative.parts in {("data",), ("serve", "browser")}:
            continue
        code = PACKAGE / relative
        assert code.is_dir() or code.with_suffix(".py").is_file(), f"tests/{relative} names no folder or module of src/dyad"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_classes_are_a_readable_size(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MODULE_LINES, f"{path.name} is over {MODULE_LINES} lines: split it at a seam"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= CLASS_LINES, f"class {node.name} in {path.name} is {length} lines"
