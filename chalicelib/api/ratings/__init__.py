"""GraphQL API of ratings (好差评) and the rectification of bad ratings."""
