"""py/nnlab's modules form no import cycle (function-level imports count too) and
none reads another object's private attributes."""

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "py" / "nnlab"
GENERATED = ("_pb2.py",)  # protoc's output


def _modules():
    out = {}
    for path in PKG.rglob("*.py"):
        if path.name.endswith(GENERATED):
            continue
        parts = ("nnlab",) + path.relative_to(PKG).with_suffix("").parts
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return out


def _imports(name, path, is_pkg, known):
    """nnlab modules `name` imports anywhere in its file."""
    package = name if is_pkg else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            subs = {f"{target}.{a.name}" for a in node.names} & known.keys()
            found |= subs or {target}
    return {m for m in found if m in known and m != name}


def test_no_import_cycles():
    known = _modules()
    graph = {name: _imports(name, path, is_pkg, known) for name, (path, is_pkg) in known.items()}
    for m, (_, is_pkg) in known.items():  # a package's __init__ re-exporting its own modules is no cycle
        if is_pkg:
            graph[m] = {d for d in graph[m] if not d.startswith(m + ".")}
    cycles, state = [], {}

    def visit(m, stack):
        state[m] = "open"
        for d in sorted(graph[m]):
            if state.get(d) == "open":
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d, stack + [d])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, cycles


def test_no_reading_of_other_objects_private_attributes():
    hits = []
    for path in PKG.rglob("*.py"):
        if path.name.endswith(GENERATED):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute):
                owner, attr = node.value, node.attr
            elif (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("getattr", "hasattr")
                  and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                owner, attr = node.args[0], str(node.args[1].value)  # getattr(reader, "_files", ...)
            else:
                continue
            if attr.startswith("_") and not attr.startswith("__") and not (
                    isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                hits.append(f"{path.relative_to(PKG)}:{node.lineno} .{attr}")
    assert not hits, hits
