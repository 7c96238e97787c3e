"""GraphQL API of city counterpart oversight of delegated powers (seed 003 二(五)3, 二(六))."""
