"""GraphQL API of receiving centres' local tuning of delegated items (seed 003 二(五)1)."""
