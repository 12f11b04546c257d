"""Where settings come from: flags > environment > [tool.drift] > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from drift.api import DEFAULT_SCHEMAS
from drift.config import config_from_options, find_pyproject, load_file_config
from drift.errors import DriftError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DRIFT_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def write_pyproject(directory: Path, body: str) -> Path:
    path = directory / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_without_any_config() -> None:
    config = config_from_options()
    assert config.url is None
    assert config.models == ()
    # none chosen: the run takes the schemas the models declare and the connection's default
    assert config.schemas == DEFAULT_SCHEMAS == ()
    assert config.expectations is None
    assert config.strict is False
    assert config.schemas_given is False  # an absent default schema is no surprise


def test_drift_database_url_wins_over_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://generic@h/db")
    assert config_from_options().url == "postgresql://generic@h/db"
    monkeypatch.setenv("DRIFT_DATABASE_URL", "postgresql://drift@h/db")
    assert config_from_options().url == "postgresql://drift@h/db"


def test_flag_wins_over_environment_and_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_pyproject(tmp_path, '[tool.drift]\nurl = "postgresql://file@h/db"\n')
    monkeypatch.setenv("DRIFT_DATABASE_URL", "postgresql://env@h/db")
    assert config_from_options(url="postgresql://flag@h/db").url == "postgresql://flag@h/db"
    assert config_from_options().url == "postgresql://env@h/db"
    monkeypatch.delenv("DRIFT_DATABASE_URL")
    assert config_from_options().url == "postgresql://file@h/db"


def test_file_found_in_a_parent_with_paths_relative_to_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_pyproject(
        tmp_path,
        "[tool.drift]\n"
        'models = ["app.models:Base", "app.extra"]\n'
        'schemas = ["sales"]\n'
        'expectations = "conf/drift.yaml"\n',
    )
    sub = tmp_path / "src" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    config = config_from_options()
    assert config.models == ("app.models:Base", "app.extra")
    assert config.schemas == ("sales",)
    assert config.expectations == tmp_path / "conf" / "drift.yaml"


def test_flags_win_over_file_lists(tmp_path: Path) -> None:
    write_pyproject(
        tmp_path, '[tool.drift]\nmodels = ["a"]\nschemas = ["s"]\nexpectations = "x.yaml"\n'
    )
    config = config_from_options(
        models=("b",), schemas=("t", "u"), expectations=Path("y.yaml"), strict=True
    )
    assert config.models == ("b",)
    assert config.schemas == ("t", "u")
    assert config.schemas_given is True
    assert config.expectations == Path("y.yaml")
    assert config.strict is True
    assert config_from_options().schemas_given is True  # [tool.drift] schemas chose them too


def test_nearest_pyproject_without_the_table_is_skipped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = write_pyproject(tmp_path, '[tool.drift]\nmodels = ["root"]\n')
    sub = tmp_path / "pkg"
    sub.mkdir()
    write_pyproject(sub, '[project]\nname = "pkg"\n')
    monkeypatch.chdir(sub)
    assert find_pyproject(sub) == root
    assert config_from_options().models == ("root",)


def test_other_options_of_a_command_pass_through() -> None:
    assert config_from_options(fmt="json", output=None).schemas == DEFAULT_SCHEMAS


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[tool.drift]\nurl = "x"\nmodles = ["a"]\n', "unknown key(s) in [tool.drift]: modles"),
        ('[tool.drift]\nmodels = "app.models"\n', "models must be a list of non-empty strings"),
        ("[tool.drift]\nschemas = [1]\n", "schemas must be a list of non-empty strings"),
        ("[tool.drift]\nurl = 5\n", "url must be a non-empty string"),
        ("[tool.drift]\nexpectations = ''\n", "expectations must be a non-empty string"),
        ("[tool.drift\nurl = 'x'\n", "not valid TOML"),
        ("[tool]\ndrift = 3\n", "[tool.drift] must be a table"),
    ],
)
def test_bad_file_names_the_file(tmp_path: Path, body: str, message: str) -> None:
    path = write_pyproject(tmp_path, body)
    with pytest.raises(DriftError) as caught:
        config_from_options()
    text = str(caught.value)
    assert str(path) in text
    assert message in text
    assert "\n" not in text


def test_explicit_config_file(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    path = write_pyproject(other, '[tool.drift]\nexpectations = "e.yaml"\n')
    assert config_from_options(config=path).expectations == other / "e.yaml"
    assert load_file_config(path).path == path


def test_explicit_config_file_must_exist_and_have_the_table(tmp_path: Path) -> None:
    with pytest.raises(DriftError, match="does not exist"):
        config_from_options(config=tmp_path / "missing.toml")
    path = write_pyproject(tmp_path, '[project]\nname = "x"\n')
    with pytest.raises(DriftError, match=r"no \[tool.drift\] table"):
        config_from_options(config=path)


def test_migrations_from_the_file_only_for_the_commands_that_check_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.drift]\nmigrations = "db/migrations"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert config_from_options(migrations=None).migrations == tmp_path / "db" / "migrations"
    assert config_from_options(migrations=Path("other")).migrations == Path("other")
    assert config_from_options().migrations is None  # drift plan, drift snapshot
    assert config_from_options().cache == tmp_path / ".drift_cache"
    assert config_from_options(no_cache=True).cache is None
