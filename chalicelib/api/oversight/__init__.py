"""一把手督办 of major projects (seed 004 三(一))."""
