"""Every environment variable the code reads is documented (issue 9): in docs/configuration.md
and in .env.example, which operators copy. The names are found in the source itself, so a
variable added without documentation fails here.

Read by the application (config/, the apps, scripts/, manage.py, conftest.py): both files.
Read only by the benchmarks (bench/) or by the gunicorn configuration (deploy/): the operator
documentation, not .env.example (the application never reads them from .env)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "awards", "clusters", "config", "deadlines", "emulation", "reports", "scripts")
NAME = r"""["']([A-Z][A-Z0-9_]*)["']"""
READS = re.compile(
    r"(?:\benv|\benv_bool|\benv_int|\benv_list|os\.environ\.get|os\.getenv|environ\.get)\(\s*"
    + NAME + r"|os\.environ\[\s*" + NAME + r"\s*\]")
# Not configuration: Django's own bootstrap variable and the ones tests set for themselves.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTHONPATH"}


def python_files(*folders):
    for folder in folders:
        path = ROOT / folder
        if path.is_file():
            yield path
            continue
        for file in path.rglob("*.py"):
            if "migrations" in file.parts or "tests" in file.parts:
                continue
            yield file


def variables_read(files) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for file in files:
        for match in READS.finditer(file.read_text(encoding="utf-8")):
            name = match.group(1) or match.group(2)
            if name not in NOT_CONFIGURATION:
                found.setdefault(name, set()).add(str(file.relative_to(ROOT)))
    return found


def documented_in(path: Path) -> set[str]:
    return set(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", path.read_text(encoding="utf-8")))


def env_example_names() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*#?\s*([A-Z][A-Z0-9_]*)=", line)
        if match:
            names.add(match.group(1))
    return names


def test_the_extraction_sees_the_settings_variables():
    """Guard against a regex that silently finds nothing."""
    found = variables_read(python_files(*APPS, "manage.py", "conftest.py"))
    for name in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CELERY_BROKER_URL",
                 "SESSION_IDLE_SECONDS", "IMPORT_MAX_ROWS", "REQUIRE_SERVICES", "BACKUP_DIR"):
        assert name in found, name


def test_every_variable_the_application_reads_is_in_the_docs_and_in_env_example():
    found = variables_read(python_files(*APPS, "manage.py", "conftest.py"))
    docs = documented_in(ROOT / "docs" / "configuration.md")
    example = env_example_names()
    missing_docs = {name: sorted(files) for name, files in found.items() if name not in docs}
    missing_example = {name: sorted(files) for name, files in found.items()
                       if name not in example}
    assert not missing_docs, f"not in docs/configuration.md: {missing_docs}"
    assert not missing_example, f"not in .env.example: {missing_example}"


def test_benchmark_and_gunicorn_variables_are_in_the_docs():
    found = variables_read(python_files("bench", "deploy"))
    docs = documented_in(ROOT / "docs" / "configuration.md")
    missing = {name: sorted(files) for name, files in found.items() if name not in docs}
    assert not missing, f"not in docs/configuration.md: {missing}"


def test_env_example_names_no_variable_the_code_does_not_read():
    """A line left in .env.example after its variable was removed misleads operators."""
    found = variables_read(python_files(*APPS, "manage.py", "conftest.py"))
    stale = env_example_names() - set(found)
    assert not stale, f".env.example names variables nothing reads: {sorted(stale)}"
