"""Spreadsheet imports: the framework (base), the batch services, and the importers of this app.

Other apps register their importers in their own `imports` module (accounts.imports for users);
`base.importers()` discovers them."""

from . import organizations, people  # noqa: F401  (register the importers)
from .base import Importer, OrganizationIndex, Plan, Problem, importer_for, importers, register
from .services import import_commit, import_preview

__all__ = ["Importer", "OrganizationIndex", "Plan", "Problem", "import_commit", "import_preview",
           "importer_for", "importers", "register"]
