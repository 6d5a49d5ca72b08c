"""Clustering: scored pairs -> people, without chaining different people together through a vague record.

Plain connected components lets one record with no DOB (say a housing ASB party "Jason Farmer") join a father and
his son of the same name into one person. Here links are added strongest first, and a link is refused when the two
groups it would join already hold records that clearly disagree: dates of birth that no typing slip explains,
forenames that are clearly different, different valid NHS numbers, or a record from an adults-only source (tenants
16+, probation 18+: `min_age` in the sources file) with a DOB that makes the person too young. Exact identifier links
are always applied.

Human "different" decisions (linkage.decisions) are cannot-link constraints: a union that would put the two records
in one person is refused (reason "decision"), whatever the evidence, even for forced (exact or "same") links.

Person ids are derived from each cluster's smallest (source, record_id), so unchanged extracts give the same ids;
given the previous run's ids, linkage.identity.carry_forward keeps them where the records still cluster together.
"""
from __future__ import annotations

import hashlib
from datetime import date
from dataclasses import dataclass, field
from typing import Hashable, Iterable

Key = tuple[str, str]


def person_id_for(members: Iterable[Key]) -> str:
    s, r = min(members)
    return "P-" + hashlib.sha256(f"{s}\x1f{r}".encode("utf-8")).hexdigest()[:12]


def jaro_winkler(a: str, b: str) -> float:
    if a == b:
        return 1.0 if a else 0.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    ma, mb = [False] * la, [False] * lb
    matches = 0
    for i, ca in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not mb[j] and b[j] == ca:
                ma[i] = mb[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    sa = [c for c, m in zip(a, ma) if m]
    sb = [c for c, m in zip(b, mb) if m]
    transpositions = sum(x != y for x, y in zip(sa, sb)) / 2
    jaro = (matches / la + matches / lb + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4]):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def _one_slip(a: str, b: str) -> bool:
    """Equal but for one substituted character or one adjacent transposition (same length)."""
    if len(a) != len(b):
        return False
    diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diffs) <= 1:
        return True
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]


def dobs_compatible(a: str, b: str) -> bool:
    """ISO dates that could be the same birth date: equal, day/month swapped, or one typed digit."""
    if a == b or _one_slip(a, b):
        return True
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def forenames_compatible(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """(canonical, as written) forenames that could belong to one person."""
    (ca, ra), (cb, rb) = a, b
    if ca == cb or ra == rb:
        return True
    if len(ra) >= 2 and len(rb) >= 2 and (ra.startswith(rb) or rb.startswith(ra)):
        return True
    for x, y in ((ca, cb), (ra, rb)):
        if _one_slip(x, y) or abs(len(x) - len(y)) == 1 and _one_insert(x, y) or jaro_winkler(x, y) >= 0.85:
            return True
    return False


def _one_insert(a: str, b: str) -> bool:
    if len(a) > len(b):
        a, b = b, a
    for i in range(len(b)):
        if b[:i] + b[i + 1:] == a:
            return True
    return False


@dataclass
class _Group:
    dobs: set[str] = field(default_factory=set)
    forenames: set[tuple[str, str]] = field(default_factory=set)
    nhs: set[str] = field(default_factory=set)
    min_age: int = 0
    youngest: str = ""  # latest ISO DOB in the group
    cannot: set = field(default_factory=set)  # records a human decided are a different person


def _too_young(dob: str, min_age: int, today: date) -> bool:
    if not dob or not min_age:
        return False
    try:
        y, m, d = int(dob[:4]), int(dob[5:7]), int(dob[8:10])
    except ValueError:
        return False
    age = today.year - y - ((today.month, today.day) < (m, d))
    return age < min_age


def _conflict(g1: _Group, g2: _Group, today: date | None = None) -> str | None:
    today = today or date.today()
    if _too_young(g2.youngest, g1.min_age, today) or _too_young(g1.youngest, g2.min_age, today):
        return "age"
    if g1.nhs and g2.nhs and not (g1.nhs & g2.nhs):
        return "nhs_number"
    if g1.dobs and g2.dobs and not any(dobs_compatible(a, b) for a in g1.dobs for b in g2.dobs):
        return "dob"
    if g1.forenames and g2.forenames and not any(forenames_compatible(a, b) for a in g1.forenames for b in g2.forenames):
        return "first_name"
    return None


class Clusterer:
    """Union-find with per-group evidence, fed exact links first and then scored links strongest first.

    Most records of a big town never take part in a link: their evidence is kept as a plain tuple and a group
    (with its sets) is only built when a record is first joined, so a 1,000,000-record run does not build 1,000,000
    groups."""

    def __init__(self, today: date | None = None):
        self.today = today or date.today()
        self.parent: dict[Hashable, Hashable] = {}  # records that have been joined (the others are their own root)
        self.groups: dict[Hashable, _Group] = {}  # root -> evidence, built on first use
        self._evidence: dict[Hashable, tuple] = {}  # record -> (dob, forename, nhs, min_age), in the order added
        self.refused: dict[str, int] = {}
        self.last_refusal: str | None = None
        self.identity_changes = None  # linkage.identity.IdentityChanges after person_ids(previous=...)

    def add(self, key: Key, dob: str = "", forename: tuple[str, str] | None = None, nhs: str = "",
            min_age: int = 0) -> None:
        self._evidence[key] = (dob, forename, nhs, min_age or 0)

    def _group(self, root: Hashable) -> _Group:
        g = self.groups.get(root)
        if g is None:
            dob, forename, nhs, min_age = self._evidence[root]
            g = _Group(min_age=min_age)
            if dob:
                g.dobs.add(dob)
                g.youngest = dob
            if forename and (forename[0] or forename[1]):
                g.forenames.add(forename)
            if nhs:
                g.nhs.add(nhs)
            self.groups[root] = g
        return g

    def find(self, x):
        if x not in self._evidence:
            raise KeyError(x)
        parent = self.parent
        root = x
        while root in parent and parent[root] != root:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root

    def cannot_link(self, a: Key, b: Key) -> bool:
        """A human decided a and b are different people: no later union may join their groups.

        Returns False (and records nothing) when they are already in one group."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self._group(ra).cannot.add(b)
        self._group(rb).cannot.add(a)
        return True

    def union(self, a: Key, b: Key, *, force: bool = False) -> bool:
        """Join a's and b's groups unless they conflict. `force` (exact identifiers, "same" decisions) skips the
        evidence checks but never a human "different" decision. The reason for a refusal is in `last_refusal`."""
        self.last_refusal = None
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ga, gb = self._group(ra), self._group(rb)
        why = None
        if ga.cannot and any(self.find(k) == rb for k in ga.cannot):
            why = "decision"
        elif not force:
            why = _conflict(ga, gb, self.today)
        if why:
            self.refused[why] = self.refused.get(why, 0) + 1
            self.last_refusal = why
            return False
        if rb < ra:
            ra, rb = rb, ra
            ga, gb = gb, ga
        self.parent[rb] = ra
        ga.dobs |= gb.dobs
        ga.forenames |= gb.forenames
        ga.nhs |= gb.nhs
        ga.min_age = max(ga.min_age, gb.min_age)
        ga.youngest = max(ga.youngest, gb.youngest)
        ga.cannot |= gb.cannot
        del self.groups[rb]
        return True

    def members(self) -> dict[Hashable, list[Key]]:
        """root -> records, every record added (a record never joined is its own group)."""
        out: dict[Hashable, list[Key]] = {}
        parent = self.parent
        for k in self._evidence:
            out.setdefault(self.find(k) if k in parent else k, []).append(k)
        return out

    def person_ids(self, previous: dict[Key, str] | None = None) -> dict[Key, str]:
        """Person id of every record; with `previous` ids carried forward (see linkage.identity)."""
        from linkage.identity import carry_forward

        pid_of, self.identity_changes = carry_forward(self.members(), previous)
        return pid_of
