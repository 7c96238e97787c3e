"""GraphQL API of the working-day calendar: each year's source and days off, and the State
Council arrangements catalogue administrators load (versioned)."""
