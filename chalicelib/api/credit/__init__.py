"""GraphQL API of credit (信用): the 失信名单 of a centre, for its staff."""
