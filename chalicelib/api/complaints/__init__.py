"""GraphQL API of complaints (投诉): filed by applicants and agents, resolved by supervisors."""
