"""The import layering the README's architecture section states: the shared core imports no
vendor app and not the Stripe fake; no vendor app imports another (hwp_bridge -> woo_store
aside: HWP sits on a WooCommerce site); the fake imports no vendor app. Read with ast, so it
runs in a clone that has nothing beside the repository."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENDORS = {"woo_store", "cocart", "fluentcart", "pancake", "hwp_bridge"}
FAKES = {"stripe_fake"}
ALLOWED = {("hwp_bridge", "woo_store")}


def imported_packages(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


def broken_imports() -> list[str]:
    broken = []
    for package in sorted(VENDORS | FAKES | {"checkout_hub"}):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for target, line in imported_packages(path):
                where = f"{path.relative_to(ROOT)}:{line}"
                if target == package:
                    continue
                if package == "checkout_hub" and target in VENDORS | FAKES:
                    broken.append(f"{where} core imports {target}")
                elif package in VENDORS and target in VENDORS and (package, target) not in ALLOWED:
                    broken.append(f"{where} vendor {package} imports vendor {target}")
                elif package in FAKES and target in VENDORS:
                    broken.append(f"{where} {package} imports vendor {target}")
    return broken


def test_imports_point_down_only():
    assert broken_imports() == []
