"""The models' cache covers every input their import read: a warm run gives the verdict of a
``--no-cache`` run after a change to any of them (the import path, a data file, a module
a package discovers by listing its folder, a feature flag)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from drift.schema import Schema, Snapshot
from tests.projects.helpers import project_env


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose models import a helper, read a data file, discover their modules."""
    root = tmp_path / "app"
    write(root / "pyproject.toml", """\
        [tool.drift]
        models = ["shop.models"]
        """)
    write(root / "shop" / "__init__.py", "")
    write(root / "shop" / "models" / "__init__.py", """\
        import importlib
        import json
        import os
        import pkgutil
        from pathlib import Path

        from sqlalchemy import Column, Integer, MetaData, String, Table

        from naming import PREFIX  # a helper found on PYTHONPATH

        metadata = MetaData()
        Table(f"{PREFIX}_customers", metadata, Column("id", Integer, primary_key=True),
              Column("name", String(80)))
        # the archive tables the team lists in a data file
        for name in json.loads((Path(__file__).parent / "archives.json").read_text()):
            Table(name, metadata, Column("id", Integer, primary_key=True))
        if os.environ.get("SHOP_LOYALTY") == "on":  # a feature flag
            Table("loyalty_points", metadata, Column("id", Integer, primary_key=True))
        for found in pkgutil.iter_modules(__path__):  # every module of the package
            importlib.import_module(f"{__name__}.{found.name}").declare(metadata)
        """)
    write(root / "shop" / "models" / "archives.json", '["orders_2024"]')
    write(root / "shop" / "models" / "orders.py", """\
        from sqlalchemy import Column, Integer, Table

        def declare(metadata):
            Table("orders", metadata, Column("id", Integer, primary_key=True))
        """)
    write(tmp_path / "path_a" / "naming.py", 'PREFIX = "retail"\n')
    write(tmp_path / "path_b" / "naming.py", 'PREFIX = "wholesale"\n')
    (root / "empty.json").write_text(Snapshot("database", (Schema("public"),)).to_json())
    return root


def declared(project: Path, *extra: str, **env: str) -> tuple[int, list[str], bool]:
    """(exit status, what the models declare, as the findings name it; read from the cache)."""
    environ = {**project_env(), **env}
    environ.pop("VIRTUAL_ENV", None)
    args = ["check", "--snapshot", "empty.json", *extra]
    runs = [subprocess.run([sys.executable, "-m", "drift", *args, *fmt], cwd=project,
                           env=environ, capture_output=True, text=True, timeout=120)
            for fmt in (("--format", "text"), ("--format", "json"))]
    text, report = runs
    assert report.returncode in (0, 1), report.stderr
    found = sorted(f"{m['path']} {m['change']}" for m in json.loads(report.stdout)["mismatches"]
                   if m["object_type"] == "table")
    return report.returncode, found, "(from the cache)" in text.stdout


def same_warm_and_cold(project: Path, **env: str) -> list[str]:
    """What a warm run reports, checked against a --no-cache run."""
    status, warm, _ = declared(project, **env)
    assert declared(project, "--no-cache", **env)[:2] == (status, warm)
    return warm


def test_pythonpath_data_file_discovered_module_and_flag(project: Path, tmp_path: Path) -> None:
    path_a, path_b = str(tmp_path / "path_a"), str(tmp_path / "path_b")
    _, first, cached = declared(project, PYTHONPATH=path_a)
    assert not cached
    assert first == ["public.orders only_in_models", "public.orders_2024 only_in_models",
                     "public.retail_customers only_in_models"]
    assert declared(project, PYTHONPATH=path_a)[1:] == (first, True)

    # another folder on the import path: another helper module, another table name
    assert same_warm_and_cold(project, PYTHONPATH=path_b) == [
        "public.orders only_in_models", "public.orders_2024 only_in_models",
        "public.wholesale_customers only_in_models"]
    # the data file the models read at import
    (project / "shop" / "models" / "archives.json").write_text('["orders_2025"]')
    assert same_warm_and_cold(project, PYTHONPATH=path_a) == [
        "public.orders only_in_models", "public.orders_2025 only_in_models",
        "public.retail_customers only_in_models"]
    # a module dropped into the package that discovers its modules
    write(project / "shop" / "models" / "refunds.py", """\
        from sqlalchemy import Column, Integer, Table

        def declare(metadata):
            Table("refunds", metadata, Column("id", Integer, primary_key=True))
        """)
    assert same_warm_and_cold(project, PYTHONPATH=path_a) == [
        "public.orders only_in_models", "public.orders_2025 only_in_models",
        "public.refunds only_in_models", "public.retail_customers only_in_models"]
    # a feature flag read at import
    assert same_warm_and_cold(project, PYTHONPATH=path_a, SHOP_LOYALTY="on") == [
        "public.loyalty_points only_in_models", "public.orders only_in_models",
        "public.orders_2025 only_in_models", "public.refunds only_in_models",
        "public.retail_customers only_in_models"]
    # with the flag and without, each answer is kept: both are read from the cache now
    assert declared(project, PYTHONPATH=path_a)[2]
    assert declared(project, PYTHONPATH=path_a, SHOP_LOYALTY="on")[2]
