import re

from resolvers.search_terms import lucene_query


def test_wildcards_and_punctuation_are_ignored():
    assert lucene_query("Smith*") == lucene_query("smith")
    assert lucene_query("*%?") is None


def test_word_order_does_not_matter_and_every_word_is_required():
    forwards, backwards = lucene_query("John Smith"), lucene_query("Smith, John")
    clauses = lambda q: sorted(re.findall(r"\+\([^)]*\)", q))  # noqa: E731
    assert clauses(forwards) == clauses(backwards)
    assert forwards.count("+(") == 2


def test_nicknames_find_the_full_name_and_the_full_name_finds_nicknames():
    assert "william" in lucene_query("Bill Smith")
    assert "bill" in lucene_query("William Smith")


def test_input_cannot_inject_lucene_syntax():
    query = lucene_query('smith OR name:"x" AND -jones^9')
    assert ":" not in query and '"' not in query and "^9" not in query
