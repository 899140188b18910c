"""What the static site may ship: every file checked against a sha256 it was pinned to.

- Pyodide's own files (its wheels and shared libraries) are accepted only when their sha256
  is the one npm's ``pyodide@0.27.7/pyodide-lock.json`` gives for that file name, whatever
  package they came from (npm's ``package-lock.json`` covers that lock's own integrity).
- Wheels from PyPI are accepted only when their sha256 is the one pinned in
  ``lite/requirements.txt`` (pip's ``--require-hashes`` checks them as it downloads; this
  module checks them again where they are copied into the site).
- The lock the site serves is npm's, cut down to the packages the site ships and extended
  with the PyPI wheels, each entry carrying the sha256 of the file shipped (Pyodide checks a
  wheel against it when it loads one). The app's page has a lock of its own, the same but for
  the packages it never imports, which name an empty wheel built here (metadata only, the
  same bytes on every build).

Standard library only.
"""

from __future__ import annotations

import ast
import base64
import csv
import hashlib
import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path


class IntegrityError(Exception):
    """A file whose sha256 is not the one it was pinned to, or that is pinned nowhere."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path, expected: str, pinned_by: str) -> Path:
    """``path`` if its sha256 is ``expected``; IntegrityError naming both otherwise."""
    found = sha256_of(path)
    if found != expected.lower():
        raise IntegrityError(
            f"{path.name}: sha256 {found} is not {expected} ({pinned_by}); refused"
        )
    return path


@dataclass(frozen=True)
class Pin:
    """One line of lite/requirements.txt: ``name==version --hash=sha256:...``."""

    name: str
    version: str
    sha256: str

    def matches(self, wheel: Path) -> bool:
        """Whether ``wheel``'s file name is this pin's distribution and version."""
        stem = wheel.name.split("-")
        return normalise(stem[0]) == normalise(self.name) and stem[1] == self.version


LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)\s+--hash=sha256:(?P<sha>[0-9a-f]{64})$"
)


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> list[Pin]:
    """Every requirement of ``path``; each must be ``name==version --hash=sha256:<64 hex>``."""
    pins = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        match = LINE.match(line)
        if not match:
            raise IntegrityError(f"{path.name}: {raw!r} is not pinned by version and sha256")
        pins.append(Pin(match["name"], match["version"], match["sha"]))
    return pins


def pinned_wheel(pin: Pin, folder: Path) -> Path:
    """The wheel of ``pin`` in ``folder``, checked against its pinned sha256."""
    found = [w for w in folder.glob("*.whl") if pin.matches(w)]
    if len(found) != 1:
        raise IntegrityError(f"{pin.name}=={pin.version}: expected one wheel in {folder}")
    return check_file(found[0], pin.sha256, "lite/requirements.txt")


def closure(packages: dict, roots: list[str]) -> list[str]:
    """``roots`` and everything they depend on in a lock's ``packages``, sorted."""
    seen, todo = set(), [normalise(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise IntegrityError(f"{name} is needed but is in no lock")
        seen.add(name)
        todo.extend(normalise(d) for d in packages[name]["depends"])
    return sorted(seen)


def copy_verified_pyodide_files(lock: dict, names: list[str], source: Path, dest: Path) -> None:
    """Copy the file of each package ``names`` of npm's ``lock`` from ``source`` to ``dest``,
    refusing any whose sha256 is not the lock's."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        entry = lock["packages"][name]
        found = source / entry["file_name"]
        if not found.is_file():
            raise IntegrityError(f"{entry['file_name']} ({name}) is missing from {source}")
        check_file(found, entry["sha256"], "npm pyodide-lock.json")
        shutil.copyfile(found, dest / entry["file_name"])


def wheel_entry(wheel: Path, name: str, imports: list[str], depends: list[str]) -> dict:
    """A pyodide-lock.json entry for a pure-Python wheel shipped beside Pyodide's."""
    return {
        "name": name,
        "version": wheel.name.split("-")[1],
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": sha256_of(wheel),
        "package_type": "package",
        "imports": imports,
        "depends": depends,
        "unvendored_tests": False,
    }


def served_lock(npm_lock: dict, kept: list[str], added: list[dict]) -> dict:
    """npm's lock with only the ``kept`` packages, and ``added`` entries (which replace any
    of the same name)."""
    packages = {n: npm_lock["packages"][n] for n in kept if n not in {a["name"] for a in added}}
    packages.update({entry["name"]: entry for entry in added})
    return {"info": npm_lock["info"], "packages": dict(sorted(packages.items()))}


def empty_wheel(folder: Path, name: str, version: str) -> Path:
    """A wheel of ``name`` holding no module, only its metadata, written into ``folder`` with
    the same bytes on every build (fixed times and order), so its sha256 never changes."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: lite/integrity.py\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
    }
    record = "".join(
        f"{path},sha256={_record_digest(text.encode())},{len(text.encode())}\n"
        for path, text in files.items()
    )
    files[f"{dist}/RECORD"] = record + f"{dist}/RECORD,,\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), text)
    return wheel


def _record_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def lock_leaving_out(lock: dict, names: list[str], nothing: dict) -> dict:
    """``lock`` with each package of ``names`` given the file of the entry ``nothing`` (a
    wheel with no module in it) and no dependencies: a kernel that asks for such a package by
    name is given a few hundred bytes instead of it, and importing it fails as it would had it
    never been shipped. Every other entry is ``lock``'s own."""
    packages = dict(lock["packages"])
    for name in names:
        if name not in packages:
            raise IntegrityError(f"{name} is left out of a lock that does not have it")
        packages[name] = {**nothing, "name": name, "imports": [], "depends": []}
    return {"info": lock["info"], "packages": packages}


def slim_archive(source: Path, folder: Path, leave_out: re.Pattern) -> tuple[Path, list[str]]:
    """A copy of the zip archive ``source`` (a wheel, or Pyodide's standard library) in
    ``folder``, under the same file name, without the members whose path ``leave_out``
    matches; returns it and the paths left out.

    Every member kept has the bytes, name, time, attributes and order it has in ``source``
    (the caller has checked ``source`` against its pin), but for a wheel's ``RECORD``, which
    lists only the files kept. A wheel's metadata (``*.dist-info/``) is always kept, and a
    folder entry is left out only with everything under it. The copy has the same bytes on
    every build with the same zlib, and the lock or setting that names it is written with it
    (a lock carries its sha256)."""
    with zipfile.ZipFile(source) as archive:
        members = archive.infolist()
        files = [
            m.filename
            for m in members
            if not m.is_dir() and leave_out.search(m.filename) and ".dist-info/" not in m.filename
        ]
        if not files:
            raise IntegrityError(f"{source.name}: nothing matches {leave_out.pattern!r}")
        gone = set(files)
        kept = [m.filename for m in members if not m.is_dir() and m.filename not in gone]
        gone |= {
            m.filename
            for m in members
            if m.is_dir() and not any(k.startswith(m.filename) for k in kept)
        }
        left_out = [m.filename for m in members if m.filename in gone]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / source.name
        with zipfile.ZipFile(target, "w") as slim:
            for member in members:
                if member.filename in gone:
                    continue
                data = archive.read(member)
                if member.filename.endswith(".dist-info/RECORD"):
                    data = _record_without(data, gone)
                info = zipfile.ZipInfo(member.filename, date_time=member.date_time)
                info.external_attr = member.external_attr
                info.create_system = member.create_system
                slim.writestr(info, data, compress_type=member.compress_type)
    return target, left_out


def module_name(path: str) -> str | None:
    """The module a ``.py`` member of a wheel or of the standard library's zip defines
    (``pkg/__init__.py`` is ``pkg``), or None for any other file."""
    if not path.endswith(".py") or ".dist-info/" in path or ".data/" in path:
        return None
    parts = path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or None


def imports_of_left_out(sources: dict[str, bytes], left_out: list[str]) -> list[str]:
    """Each import, run as its module is imported, of a module in ``left_out`` (member paths)
    by a module of ``sources`` (member path: bytes), as ``"path:line imports name"``.

    Module level and class bodies count (``try``, ``if``, ``with`` and ``match`` blocks too):
    they run when the module is imported. Function bodies do not: an import there fails only
    when a caller reaches it. A file newer than the Python running this (Pyodide's is 3.12)
    is read statement by statement instead, every import in it counted, function bodies too.
    What no import statement names is not seen: ``importlib.import_module``, a star import
    that reaches a module through ``__getattr__``, a call at module level into a function
    that imports."""
    gone = {m for m in map(module_name, left_out) if m}
    found = []
    for path, data in sorted(sources.items()):
        module = module_name(path)
        if module is None:
            continue
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        try:
            statements = _run_on_import(ast.parse(data, filename=path).body)
        except SyntaxError:
            statements = _every_import(data.decode("utf-8"))
        for node in statements:
            for name in _imported(node, package):
                if name in gone:
                    found.append(f"{path}:{node.lineno} imports {name}")
    return found


def _run_on_import(body: list):
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        else:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                yield from _run_on_import(getattr(node, field, []) or [])


IMPORT_LINE = re.compile(r"^[ \t]*(import[ \t]|from[ \t]+\S+[ \t]+import\b)")


def _every_import(text: str) -> list:
    """Each import statement of ``text`` that parses on its own (a parenthesised one read to
    its closing parenthesis), with its line number, wherever it stands."""
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        if not IMPORT_LINE.match(line):
            continue
        statement, end = _code_of(line), number
        while statement.count("(") > statement.count(")") and end < len(lines):
            statement += " " + _code_of(lines[end])
            end += 1
        try:
            [node] = ast.parse(statement.rstrip("\\ ;")).body
        except (SyntaxError, ValueError):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            node.lineno = number
            found.append(node)
    return found


def _code_of(line: str) -> str:
    """A line of an import statement without its comment (no string holds a ``#`` there)."""
    return line.split("#", 1)[0].strip()


def _imported(node, package: str) -> list[str]:
    """The modules an import statement loads: ``import a.b`` loads ``a`` and ``a.b``;
    ``from p import x`` loads ``p`` and, where ``p.x`` is a module, that too."""
    if isinstance(node, ast.Import):
        names = []
        for alias in node.names:
            parts = alias.name.split(".")
            names += [".".join(parts[: i + 1]) for i in range(len(parts))]
        return names
    base = node.module or ""
    if node.level:
        anchor = package.split(".")
        anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
        base = ".".join(anchor + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def _record_without(record: bytes, gone: set[str]) -> bytes:
    rows = csv.reader(io.StringIO(record.decode("utf-8")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        if row and row[0] not in gone:
            writer.writerow(row)
    return out.getvalue().encode("utf-8")


def lock_with_slim_wheels(lock: dict, slim: dict[str, Path], folder: str) -> dict:
    """``lock`` with the entry of each package of ``slim`` pointing at its slim wheel
    (``folder``/file name, beside the lock) and carrying that file's sha256; every other
    field and entry is ``lock``'s own."""
    packages = dict(lock["packages"])
    for name, wheel in slim.items():
        if name not in packages:
            raise IntegrityError(f"{name} is slimmed in a lock that does not have it")
        packages[name] = {
            **packages[name],
            "file_name": f"{folder}/{wheel.name}",
            "sha256": sha256_of(wheel),
        }
    return {"info": lock["info"], "packages": packages}
