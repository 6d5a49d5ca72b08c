"""How names are written into the full-text index, so the search side can split what users type the same way."""
from __future__ import annotations

import re
import unicodedata


def name_words(text: str) -> list[str]:
    """Lower-case ASCII letter runs: "O'Neil-Jones" -> ["o", "neil", "jones"]; "Zoë" -> ["zoe"]."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return [w for w in re.split(r"[^a-z]+", ascii_text.lower()) if w]
