"""GraphQL API of the handover of delegated powers (seed 003 二(二)3)."""
