#!/usr/bin/env python3
"""Checks the layering ARCHITECTURE.md states against the code.

The table of src/ folders in ARCHITECTURE.md says what each folder "may depend
on" (the backticked folder names in that column). This check fails when a file
under src/<folder> includes a header of a folder not listed for it, when a
folder's library links such a folder, when a folder has no row in the table, or
when any CMake file gives a target all of src/ as an include directory (each
library exposes only its own folder, see sweetspot_include_root in the top
CMakeLists.txt, so the compiler refuses what this check reports).

Usage: check_layers.py <source dir>
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
src = root / "src"
folders = sorted(p.name for p in src.iterdir() if (p / "CMakeLists.txt").is_file())
problems = []

# folder -> the folders it may depend on, from ARCHITECTURE.md's table rows:
# | `src/<folder>` | job | may depend on |
allowed = {}
for line in (root / "ARCHITECTURE.md").read_text().splitlines():
    m = re.match(r"\|\s*`src/([a-z_]+)`\s*\|.*\|([^|]*)\|\s*$", line)
    if m:
        allowed[m.group(1)] = {name for name in re.findall(r"`([a-z_]+)`", m.group(2)) if name in folders}
for folder in folders:
    if folder not in allowed:
        problems.append(f"ARCHITECTURE.md: no row for src/{folder} (say its job and what it may depend on)")

include = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')
for folder in folders:
    ok = allowed.get(folder, set()) | {folder}
    for path in sorted((src / folder).rglob("*")):
        if path.suffix not in (".h", ".cc") or not path.is_file():
            continue
        for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = include.match(text)
            if not m:
                continue
            target = m.group(1)
            where = f"{path.relative_to(root)}:{number}"
            if target.startswith("../") or "/../" in target:
                problems.append(f"{where}: includes {target} by a relative path out of its folder")
                continue
            layer = target.split("/", 1)[0]
            if "/" in target and layer in folders and layer not in ok:
                problems.append(f"{where}: src/{folder} includes {target}, but may depend only on "
                                f"{', '.join(sorted(ok - {folder})) or 'nothing'} (ARCHITECTURE.md)")

# Each folder's library links only what it may depend on.
link = re.compile(r"target_link_libraries\(\s*([a-z_]+)\b([^)]*)\)", re.S)
for folder in folders:
    for m in link.finditer((src / folder / "CMakeLists.txt").read_text()):
        if m.group(1) != folder:
            continue
        for name in re.findall(r"[A-Za-z_:]+", m.group(2)):
            if name in folders and name != folder and name not in allowed.get(folder, set()):
                problems.append(f"src/{folder}/CMakeLists.txt: {folder} links {name}, which ARCHITECTURE.md does not allow")

# Nobody gets all of src/ as an include directory.
for path in sorted(root.rglob("*")):
    if path.name != "CMakeLists.txt" and path.suffix != ".cmake":
        continue
    if any(part in ("build", ".git", "node_modules") or part.startswith("build") for part in path.relative_to(root).parts):
        continue
    for number, text in enumerate(path.read_text().splitlines(), 1):
        if "include_directories" in text and re.search(r"(PROJECT|CMAKE)_SOURCE_DIR\}/src\b/?(\s|\))", text):
            problems.append(f"{path.relative_to(root)}:{number}: gives all of src/ as an include directory")

for p in problems:
    print(p)
print(f"{len(folders)} folders checked: {'ok' if not problems else f'{len(problems)} problem(s)'}")
sys.exit(1 if problems else 0)
