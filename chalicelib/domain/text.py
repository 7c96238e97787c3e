"""Text people read (names, reasons, findings): which characters it may hold.

Why: a zero-width or bidi-override character makes a blank name look filled or shows a name
reversed; control characters (NUL, escape) break PDFs, logs and exports. Private-use characters
stay allowed: rare characters in Chinese names (生僻字) are often encoded there. Each concept's
validation keeps its own codes and asks here only what is wrong with the characters.
"""

from __future__ import annotations

import unicodedata

INVALID_CHARACTERS = "INVALID_CHARACTERS"
_LINE_BREAKS = frozenset("\n\r\t")


def character_problem(value: str, label: str, *, multiline: bool = False) -> str | None:
    """A Chinese message for the first unsafe character in `value`, or None when it is clean."""
    for char in value:
        if multiline and char in _LINE_BREAKS:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return f"{label}不能包含控制字符或换行"
        if category == "Cf":
            return f"{label}不能包含不可见的格式字符(如零宽字符、文字方向控制符)"
        if category == "Cs":
            return f"{label}含有无效的 Unicode 字符"
        if char == "\ufffd":  # what a decoder leaves for bytes that were not UTF-8: never typed on purpose
            return f"{label}含有无法识别的字符(编码错误)"
    return None


def visible(value: str) -> str:
    """`value` without invisible format characters, for "is it blank?" checks."""
    return "".join(c for c in value if unicodedata.category(c) != "Cf").strip()
