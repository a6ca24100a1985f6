"""A contract type for `lint-imports` (import-linter): modules that must not import
certain names from a package, such as Flask's `request`.

import-linter's own contracts speak of modules, and `request` is not a module but a
name in `flask`; this one reads the import lines the import graph recorded, so
``from flask import request`` and ``import flask`` used as ``flask.request`` are both
caught. Configured in pyproject.toml (``[tool.importlinter]``).
"""

from __future__ import annotations

import re

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class ForbiddenNamesContract(Contract):
    """Options: `source_modules` (packages whose modules are checked, descendants
    included) and `forbidden_names` (``package:name`` pairs, e.g. ``flask:request``)."""

    type_name = "forbidden_names"

    source_modules = fields.ListField(subfield=fields.StringField())
    forbidden_names = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        wanted = [tuple(pair.split(":", 1)) for pair in self.forbidden_names]
        found = []
        for source in self.source_modules:
            for module in sorted({source, *graph.find_descendants(source)}):
                for package, name in wanted:
                    for detail in graph.get_import_details(importer=module, imported=package):
                        if _names(detail["line_contents"], package, name):
                            found.append((module, detail["line_number"], f"{package}.{name}"))
        return ContractCheck(kept=not found, warnings=[], metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, line, name in check.metadata["found"]:
            output.print_error(f"{module} (l.{line}) uses {name}")
            output.new_line()


def _names(line: str, package: str, name: str) -> bool:
    """Whether an import line brings `name` of `package` in, directly or as an attribute."""
    if re.match(rf"\s*from\s+{re.escape(package)}\s+import\b", line):
        imported = line.split("import", 1)[1].replace("(", " ").replace(")", " ")
        return name in {part.split(" as ")[0].strip() for part in imported.split(",")}
    return bool(re.match(rf"\s*import\s+{re.escape(package)}\b", line))
