"""The one exception type domain rules raise; the API turns it into `userErrors`."""

from __future__ import annotations

from dataclasses import dataclass

# Codes storage raises as DomainErrors (so resolvers map them like any rule violation):
CONFLICT = "CONFLICT"  # a concurrent writer won the transaction (unit of work)
INVALID_CURSOR = "INVALID_CURSOR"  # a pagination cursor not made for this list


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (`field`, a dotted input path), what (`code`) and why (Chinese)."""

    code: str
    message: str
    field: str | None = None


class DomainError(Exception):
    """Raised with every violation found, so a caller can fix all of them at once."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(f"{v.code}: {v.message}" for v in violations))
        self.violations = violations

    @classmethod
    def one(cls, code: str, message: str, field: str | None = None) -> DomainError:
        return cls([Violation(code, message, field)])
