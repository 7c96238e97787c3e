"""Certificate type mutations: create, change, hand over (交接)."""
