"""Certificate types and their templates (证照类型与模板, seed 002 四(六))."""
