"""延续 (licence renewal, Administrative Licensing Law art. 50): GraphQL types and mutations."""
