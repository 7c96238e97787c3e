"""GraphQL API of the delegation lifecycle (seed 003 二(一)–(二)): tiers, requests, memos."""
