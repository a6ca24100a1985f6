"""Versions that fix known advisories (ASVS V15.2 dependencies).

pip-audit in .ci/run checks the installed packages against the advisory databases
when it can reach them; these checks need no network: the minimums are declared in
pyproject.toml and what is installed meets them.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
MINIMUMS = {"flask": "3.1.3", "werkzeug": "3.1.6", "authlib": "1.9"}


def declared() -> dict[str, Requirement]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    requirements = [Requirement(line) for line in project["dependencies"]]
    return {requirement.name.lower(): requirement for requirement in requirements}


@pytest.mark.parametrize(("name", "minimum"), sorted(MINIMUMS.items()))
def test_pyproject_pins_the_version_that_fixes_the_advisories(name, minimum):
    requirement = declared()[name]
    assert Version(minimum) in requirement.specifier
    assert not requirement.specifier.contains(_just_below(minimum))


@pytest.mark.parametrize(("name", "minimum"), sorted(MINIMUMS.items()))
def test_the_installed_version_is_at_least_that(name, minimum):
    assert Version(version(name)) >= Version(minimum)


def _just_below(minimum: str) -> Version:
    release = Version(minimum).release
    if release[-1] > 0:
        return Version(".".join(map(str, (*release[:-1], release[-1] - 1))))
    return Version(".".join(map(str, (*release[:-2], release[-2] - 1, 99))))
