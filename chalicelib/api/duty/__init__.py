"""Leaders on duty at the windows (seed 004 三(一))."""
