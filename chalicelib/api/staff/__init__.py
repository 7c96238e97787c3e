"""Staff, window posts, AB cover and public supervision cards (seeds 001, 004)."""
