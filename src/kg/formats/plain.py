"""Plain text files: UTF-8 (with or without BOM), or UTF-16 with a BOM."""

from __future__ import annotations


def plain_text(raw: bytes) -> str:
    """The decoded text; ValueError naming the problem (binary, not UTF-8, cut short)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw[:4096]:
        raise ValueError("binary file (contains NUL bytes), expected UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if err.start >= len(raw) - 3:
            raise ValueError(f"truncated: the file ends in the middle of a UTF-8 character (byte {err.start})") from err
        raise ValueError(f"not UTF-8 text: invalid byte 0x{raw[err.start]:02x} at offset {err.start}") from err
