"""Staff conduct ledger and 通报 bulletins (seed 004 四)."""
