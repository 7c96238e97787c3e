"""GraphQL API of referrals upward (上报件, seed 004 三级联动)."""
