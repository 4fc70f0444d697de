"""Identity resolution: person-bearing records -> Person identities, candidates and findings.

>>> from ingest.resolve import resolve_identities, ResolveConfig, Resolution
"""

from ingest.resolve.config import ExtraComparison, Resolution, ResolveConfig, ResolveError
from ingest.resolve.resolve import resolve_identities

__all__ = ["ExtraComparison", "Resolution", "ResolveConfig", "ResolveError", "resolve_identities"]
