"""Turn what a social worker types into a full-text query over people's names.

Only letters survive (wildcards and punctuation are ignored, so input can never change the query's shape); word
order does not matter (surname first is fine); each word may be misspelt by a letter or two, and a nickname also
finds the full name (Bill finds William).
"""
from __future__ import annotations

from graph_loader.search_names import name_words
from linkage.standardise import NICKNAMES

MIN_FUZZY_LENGTH = 4


def lucene_query(text: str) -> str | None:
    """`+(smith~1) +(bill~1 OR william)`: every word must match; None when nothing searchable is left."""
    words = name_words(text)
    if not words:
        return None
    clauses = []
    for word in words:
        options = [f"{word}~1" if len(word) >= MIN_FUZZY_LENGTH else word]
        canonical = NICKNAMES.get(word)
        if canonical and canonical != word:
            options.append(canonical)
        options.extend(nick for nick, full in NICKNAMES.items() if full == word and len(nick) >= 3)
        clauses.append("+(" + " OR ".join(options) + ")")
    return " ".join(clauses)
