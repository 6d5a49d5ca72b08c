"""Formal first names, their sex, and the short forms people give to services."""
from __future__ import annotations

NICKNAMES: dict[str, tuple[tuple[str, ...], str]] = {
    "William": (("Bill", "Will", "Billy"), "M"), "Elizabeth": (("Liz", "Beth", "Lizzie", "Betty"), "F"),
    "Catherine": (("Kate", "Cathy", "Katie"), "F"), "Katherine": (("Kate", "Kathy", "Katie"), "F"),
    "Michael": (("Mike", "Mick"), "M"), "Robert": (("Bob", "Rob", "Bobby"), "M"), "James": (("Jim", "Jamie"), "M"),
    "Thomas": (("Tom", "Tommy"), "M"), "Joseph": (("Joe",), "M"), "Daniel": (("Dan", "Danny"), "M"),
    "Matthew": (("Matt",), "M"), "Christopher": (("Chris",), "M"), "Alexander": (("Alex",), "M"),
    "Samuel": (("Sam",), "M"), "Benjamin": (("Ben",), "M"), "Jonathan": (("Jon",), "M"),
    "Richard": (("Rich", "Dick"), "M"), "Edward": (("Ed", "Ted", "Eddie"), "M"), "Anthony": (("Tony",), "M"),
    "Andrew": (("Andy",), "M"), "Stephen": (("Steve",), "M"), "David": (("Dave",), "M"), "Peter": (("Pete",), "M"),
    "Nicholas": (("Nick",), "M"), "Charles": (("Charlie",), "M"), "Henry": (("Harry",), "M"),
    "Frederick": (("Fred", "Freddie"), "M"), "Joshua": (("Josh",), "M"), "Oliver": (("Ollie",), "M"),
    "Timothy": (("Tim",), "M"), "Philip": (("Phil",), "M"), "Kenneth": (("Ken",), "M"), "Raymond": (("Ray",), "M"),
    "Terence": (("Terry",), "M"), "Gregory": (("Greg",), "M"), "Margaret": (("Maggie", "Peggy"), "F"),
    "Rebecca": (("Becky", "Becca"), "F"), "Jennifer": (("Jen", "Jenny"), "F"), "Victoria": (("Vicky",), "F"),
    "Charlotte": (("Charlie", "Lottie"), "F"), "Samantha": (("Sam",), "F"), "Jessica": (("Jess",), "F"),
    "Alexandra": (("Alex",), "F"), "Susan": (("Sue",), "F"), "Deborah": (("Debbie", "Debs"), "F"),
    "Patricia": (("Pat", "Trish"), "F"), "Eleanor": (("Ellie",), "F"), "Abigail": (("Abbie",), "F"),
    "Kimberley": (("Kim",), "F"), "Amanda": (("Mandy",), "F"), "Isabella": (("Bella", "Izzy"), "F"),
    "Jacqueline": (("Jackie",), "F"), "Christine": (("Chris",), "F"), "Pamela": (("Pam",), "F"),
    "Josephine": (("Jo",), "F"), "Joanne": (("Jo",), "F"), "Sandra": (("Sandy",), "F"),
}


def nicknames_for(forename: str) -> tuple[str, ...]:
    entry = NICKNAMES.get(forename)
    return entry[0] if entry else ()
