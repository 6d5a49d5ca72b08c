"""The demo town: a synthetic Stockport whose source extracts look like a real council's (docs/extracts.md).

`generate.generate_town(people=, seed=, out=)` is the entry point (`family-context generate`). Modules, one job each:

- `pools`: everything drawn from Faker, once (names, streets and postcodes, schools, GP practices)
- `population`: households at addresses, families and the relationships children's services record (the truth)
- `staff`: practitioners per service, and the staff directory
- `mess`: the deliberate errors each source makes (typos, nicknames, old surnames, dates, address formats, ...)
- `systems/`: one writer per source system (LCS, LAS, Synergy, housing, YOS, probation, health)
- `extracts`: the contract's file names and headers, and the streaming CSV writers (with truth rows)
- `context`: what the writers share (RNG, files, extract dates, coverage, id counters, contact numbers)
- `ids`, `dates`, `nicknames`: NHS numbers / UPNs / refs, date formats, short forms of first names
"""
