"""Approval seal (行政审批专用章): PAdES sealing and verification of PDFs.

Importing this package is cheap: pyHanko (~0.4 s to import) is loaded only when
a :class:`Sealer` is built or a PDF is verified. Public names are resolved
lazily so ``import signing`` at Lambda cold start costs almost nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .config import default_sealer, sealer_from_env, trust_roots_from_env
    from .keys import KeyBackend, KmsKeyBackend, LocalKeyBackend
    from .report import Indication, VerificationReport
    from .seal import RevocationSources, SealAppearance, Sealer, SealingError
    from .verify import verify_pdf

__all__ = [
    "Indication",
    "KeyBackend",
    "KmsKeyBackend",
    "LocalKeyBackend",
    "RevocationSources",
    "SealAppearance",
    "Sealer",
    "SealingError",
    "VerificationReport",
    "default_sealer",
    "sealer_from_env",
    "trust_roots_from_env",
    "verify_pdf",
]

_HOMES = {
    "default_sealer": "config",
    "sealer_from_env": "config",
    "trust_roots_from_env": "config",
    "KeyBackend": "keys",
    "KmsKeyBackend": "keys",
    "LocalKeyBackend": "keys",
    "Indication": "report",
    "VerificationReport": "report",
    "RevocationSources": "seal",
    "SealAppearance": "seal",
    "Sealer": "seal",
    "SealingError": "seal",
    "verify_pdf": "verify",
}


def __getattr__(name: str) -> Any:
    try:
        module = importlib.import_module(f".{_HOMES[name]}", __name__)
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(module, name)
