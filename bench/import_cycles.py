"""How tangled the apps are: the apps in the largest import cycle (strongly connected component).

Run: .venv/bin/python bench/import_cycles.py
Counts every import between casebridge's top-level packages (apps), migrations included, as grimp
(which `lint-imports` uses) sees them; imports under TYPE_CHECKING only name a type and are left
out, as the contracts leave them out. Another checkout: PYTHONPATH=/path/to/it before the command.
"""

import grimp


def app_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("casebridge", cache_dir=None, exclude_type_checking_imports=True)
    apps = sorted(graph.find_children("casebridge"))
    edges: dict[str, set[str]] = {app: set() for app in apps}
    for importer in apps:
        for imported in apps:
            if importer != imported and graph.direct_import_exists(
                importer=importer, imported=imported, as_packages=True
            ):
                edges[importer].add(imported)
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, small enough to read."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in edges[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            components.append(component)

    for node in edges:
        if node not in index:
            visit(node)
    return components


def main() -> None:
    edges = app_graph()
    components = sorted(strongly_connected(edges), key=len, reverse=True)
    largest = components[0]
    print(f"packages under casebridge: {len(edges)}")
    print(f"apps in the largest import cycle: {len(largest)}")
    print("  " + ", ".join(sorted(name.removeprefix("casebridge.") for name in largest)))
    for component in components[1:]:
        if len(component) > 1:
            names = ", ".join(sorted(name.removeprefix("casebridge.") for name in component))
            print(f"other cycle ({len(component)} apps): {names}")


if __name__ == "__main__":
    main()
