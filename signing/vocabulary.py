"""The closed vocabularies a verification report speaks, as enums clients can rely on.

The report keeps these values as plain strings (what pyHanko and the ETSI validation model
name them); the GraphQL contract and other typed consumers map them onto these enums. The names
are written out here rather than imported from pyHanko so that reading a report never imports
pyHanko (about 0.4 s); `tests/signing/test_vocabulary.py` checks them against the installed
pyHanko and fails loudly when an upgrade adds a name.
"""

from __future__ import annotations

import enum


class SubIndication(enum.StrEnum):
    """ETSI EN 319 102-1 sub-indications, plus the two this package adds of its own."""

    # ETSI EN 319 102-1 5.1.3 (as pyHanko's AdESFailure / AdESIndeterminate name them)
    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    POLICY_PROCESSING_ERROR = "POLICY_PROCESSING_ERROR"
    SIGNATURE_POLICY_NOT_AVAILABLE = "SIGNATURE_POLICY_NOT_AVAILABLE"
    TIMESTAMP_ORDER_FAILURE = "TIMESTAMP_ORDER_FAILURE"
    NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    REVOKED_NO_POE = "REVOKED_NO_POE"
    REVOKED_CA_NO_POE = "REVOKED_CA_NO_POE"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    OUT_OF_BOUNDS_NOT_REVOKED = "OUT_OF_BOUNDS_NOT_REVOKED"
    REVOCATION_OUT_OF_BOUNDS_NO_POE = "REVOCATION_OUT_OF_BOUNDS_NO_POE"
    NO_POE = "NO_POE"
    TRY_LATER = "TRY_LATER"
    SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"
    GENERIC = "GENERIC"
    # this package's own: the file carries no signature / was changed after sealing
    NO_SIGNATURE = "NO_SIGNATURE"
    MODIFIED_AFTER_SIGNING = "MODIFIED_AFTER_SIGNING"


class PadesLevel(enum.StrEnum):
    """The PAdES baseline level reached (ETSI EN 319 142-1)."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"


class ModificationLevel(enum.StrEnum):
    """What changed after the seal (pyHanko's difference analysis)."""

    NONE = "NONE"
    LTA_UPDATES = "LTA_UPDATES"
    FORM_FILLING = "FORM_FILLING"
    ANNOTATIONS = "ANNOTATIONS"
    OTHER = "OTHER"


class Coverage(enum.StrEnum):
    """How much of the file the signature covers."""

    UNCLEAR = "UNCLEAR"
    CONTIGUOUS_BLOCK_FROM_START = "CONTIGUOUS_BLOCK_FROM_START"
    ENTIRE_REVISION = "ENTIRE_REVISION"
    ENTIRE_FILE = "ENTIRE_FILE"


class DocMdpPermission(enum.StrEnum):
    """The certifying signature's DocMDP permission (ISO 32000 12.8.2.2)."""

    NO_CHANGES = "NO_CHANGES"
    FILL_FORMS = "FILL_FORMS"
    ANNOTATE = "ANNOTATE"
