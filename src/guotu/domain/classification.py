"""Land-use classification schemes as data: classes, crosswalks and plan labels.

Three schemes are shipped as package data (``guotu/domain/data/*.json``, provenance in
the ``README.md`` beside them):

* ``GTKJ2023`` -- 《国土空间调查、规划、用途管制用地用海分类指南》 (2023), the current
  planning classification (24 level-1 classes, three levels);
* ``GBT21010-2017`` -- GB/T 21010-2017 《土地利用现状分类》, levels 1 and 2, the scheme of
  the classic supply-plan table (国土资发〔2010〕117号);
* ``SURVEY-WORKING`` -- 国土调查工作分类, what 三调 and the annual change surveys carry.

A code never travels alone: "05" is 湿地 in 用地用海 2023, 商服用地 in GB/T 21010 and
商业服务业用地 in the survey classification. Every lookup therefore takes a scheme, and
the default is 用地用海 2023.

Supply plans do not use the class names verbatim: they write 商服用地 next to 居住用地,
merge 工矿用地 and 仓储用地, and list housing sub-items. :func:`plan_labels` maps each
label as written to the classes it means, read either as a 用地用海 2023 name
(``codes``) or as a GB/T 21010 name (``codes_gbt``); both are 用地用海 2023 codes.

Examples
--------
>>> get_class("0701").name_zh
'城镇住宅用地'
>>> get_class("05", GBT21010).name_zh
'商服用地'
>>> [(e.to_code, e.relation) for e in crosswalk("0802", GTKJ2023, GBT21010)]
[('0804', 'equal')]
>>> plan_labels()["工矿仓储用地"].codes
('10', '11')
>>> [(start, label.label) for start, _, label in find_plan_labels("2.供应商业用地52.89公顷")]
[(4, '商业用地')]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Final

from guotu.errors import InvalidInputError, NotFoundError

__all__ = [
    "CONFIDENCE_LEVELS",
    "GBT21010",
    "GTKJ2023",
    "LABEL_KINDS",
    "RELATIONS",
    "SCHEMES",
    "SURVEY",
    "CrosswalkEntry",
    "LandUseClass",
    "PlanLabel",
    "Scheme",
    "UseNormalization",
    "ancestors",
    "children",
    "classes",
    "crosswalk",
    "find_plan_labels",
    "get_class",
    "get_scheme",
    "match_plan_label",
    "normalize_use",
    "plan_labels",
    "plan_labels_for",
    "resolve_scheme",
    "search",
]

#: 《国土空间调查、规划、用途管制用地用海分类指南》 (2023).
GTKJ2023: Final = "GTKJ2023"
#: GB/T 21010-2017 《土地利用现状分类》.
GBT21010: Final = "GBT21010-2017"
#: 国土调查工作分类 (三调 working classification).
SURVEY: Final = "SURVEY-WORKING"

#: Relations of a crosswalk row, read "from-class <relation> to-class".
RELATIONS: Final = ("equal", "part_of", "contains", "overlaps", "none")
#: ``confirmed``: read in a public source; ``knowledge``: not verified (DOMAIN.md marks).
CONFIDENCE_LEVELS: Final = ("confirmed", "knowledge")
#: Kinds of plan label: a plan category, a housing sub-item, an aggregate of categories.
LABEL_KINDS: Final = ("category", "housing", "aggregate")

_DATA_PACKAGE: Final = "guotu.domain.data"
_SCHEME_FILES: Final = {
    GTKJ2023: "gtkj2023.json",
    GBT21010: "gbt21010_2017.json",
    SURVEY: "survey_working.json",
}
_INVERSE: Final = {
    "equal": "equal",
    "part_of": "contains",
    "contains": "part_of",
    "overlaps": "overlaps",
}
_CODE_RE: Final = re.compile(r"\d{2}(?:[0-9A-Z]{2}(?:\d{2})?)?")
_PREFIX_RE: Final = re.compile(r"(?P<scheme>[^:：]+?)\s*[:：]\s*(?P<rest>.+)")
_SPACE_RE: Final = re.compile(r"\s+")
_COMMAS: Final = str.maketrans({",": "、", "，": "、", "､": "、"})
_COMMA_CLASS: Final = "[、,，､]"


@dataclass(frozen=True)
class Scheme:
    """A classification scheme: its identifier and display names.

    Examples
    --------
    >>> get_scheme("GBT21010").name_zh
    '土地利用现状分类（GB/T 21010-2017）'
    """

    id: str
    name_zh: str
    name_en: str


#: The shipped schemes, in the order lookups try them.
SCHEMES: Final = (
    Scheme(
        GTKJ2023,
        "国土空间调查、规划、用途管制用地用海分类（2023）",
        "Land and sea use classification for territorial spatial survey, planning and use control (2023)",
    ),
    Scheme(
        GBT21010,
        "土地利用现状分类（GB/T 21010-2017）",
        "Current land use classification (GB/T 21010-2017)",
    ),
    Scheme(
        SURVEY,
        "国土调查工作分类（三调）",
        "Land survey working classification (third national land survey)",
    ),
)
_SCHEME_IDS: Final = tuple(s.id for s in SCHEMES)
_SCHEME_ALIASES: Final = {
    "gtkj2023": GTKJ2023,
    "gtkj": GTKJ2023,
    "ydyh": GTKJ2023,
    "ydyh2023": GTKJ2023,
    "用地用海": GTKJ2023,
    "用地用海2023": GTKJ2023,
    "用地用海分类": GTKJ2023,
    "gbt210102017": GBT21010,
    "gbt21010": GBT21010,
    "gb210102017": GBT21010,
    "土地利用现状分类": GBT21010,
    "surveyworking": SURVEY,
    "survey": SURVEY,
    "三调": SURVEY,
    "工作分类": SURVEY,
    "国土调查工作分类": SURVEY,
}


@dataclass(frozen=True)
class LandUseClass:
    """One class of a scheme.

    Attributes
    ----------
    scheme : str
        Scheme identifier (``GTKJ2023``, ``GBT21010-2017`` or ``SURVEY-WORKING``).
    code : str
        The code as published, leading zeros kept ("0701", "05H1").
    level : int
        1, 2 or 3.
    parent : str or None
        Code of the parent class in the same scheme; ``None`` at level 1.
    name_zh, name_en : str
        Official Chinese name; English name (a guotu translation).
    confidence : str
        ``confirmed`` or ``knowledge`` (see ``data/README.md``).
    """

    scheme: str
    code: str
    level: int
    parent: str | None
    name_zh: str
    name_en: str
    confidence: str


@dataclass(frozen=True)
class CrosswalkEntry:
    """One correspondence between classes of two schemes.

    ``relation`` reads "from-class *relation* to-class": ``part_of`` means the from-class
    is a part of the to-class. ``via`` names the ancestor of ``from_code`` whose row the
    entry was derived from, when ``from_code`` itself has no row.
    """

    from_scheme: str
    from_code: str
    to_scheme: str
    to_code: str | None
    relation: str
    confidence: str
    note: str = ""
    via: str | None = None


@dataclass(frozen=True)
class PlanLabel:
    """A land-use label as supply plans write it, and what it means.

    Attributes
    ----------
    label : str
        The label as written ("工矿用地和仓储用地").
    canonical_zh, canonical_en : str
        The category the label stands for, used to group synonyms.
    kind : str
        ``category`` (a plan category), ``housing`` (a sub-item of 住宅用地, never added
        to the total) or ``aggregate`` (a grouping of categories, such as 经营性用地).
    codes : tuple of str
        用地用海 2023 codes the label means when read as a 用地用海 2023 name.
    codes_gbt : tuple of str
        用地用海 2023 codes it means when read as a GB/T 21010-2017 name.
    gbt21010_codes : tuple of str
        The GB/T 21010-2017 codes of the label.
    scheme_hint : str
        Which scheme the wording belongs to: ``GTKJ2023``, ``GBT21010`` or ``both``.
    h3_counts : bool or None
        For housing sub-items, whether the item counts toward the 70 % rule (H3);
        ``None`` for other kinds.
    parent : str or None
        The parent label of a housing sub-item ("住宅用地").
    confidence : str
        ``confirmed`` (observed in DOMAIN.md) or ``knowledge``.
    note : str
        Why the mapping is what it is, in English.
    """

    label: str
    canonical_zh: str
    canonical_en: str
    kind: str
    codes: tuple[str, ...]
    codes_gbt: tuple[str, ...]
    gbt21010_codes: tuple[str, ...]
    scheme_hint: str
    h3_counts: bool | None
    parent: str | None
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class UseNormalization:
    """The result of :func:`normalize_use`.

    Attributes
    ----------
    value : str
        The value as given.
    codes : tuple of str
        The 用地用海 2023 codes it means (empty for a label with no fixed class).
    scheme : str
        The scheme the value was read in.
    matched_by : str
        ``code``, ``name`` or ``plan_label``.
    land_class : LandUseClass or None
        The class the value names in ``scheme``, if any.
    label : PlanLabel or None
        The plan label matched, if the value was read as one.
    ambiguous : bool
        True when another reading gives different 用地用海 2023 codes.
    alternatives : tuple of str
        The schemes of those other readings.
    """

    value: str
    codes: tuple[str, ...]
    scheme: str
    matched_by: str
    land_class: LandUseClass | None = None
    label: PlanLabel | None = None
    ambiguous: bool = False
    alternatives: tuple[str, ...] = ()


# --------------------------------------------------------------------------- loading


def _read_json(name: str) -> Any:
    text = files(_DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _table(scheme: str) -> Mapping[str, LandUseClass]:
    data = _read_json(_SCHEME_FILES[scheme])
    table = {
        row["code"]: LandUseClass(
            scheme=scheme,
            code=row["code"],
            level=row["level"],
            parent=row["parent"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            confidence=row["confidence"],
        )
        for row in data["classes"]
    }
    return MappingProxyType(table)


@cache
def _children_index(scheme: str) -> Mapping[str | None, tuple[LandUseClass, ...]]:
    index: dict[str | None, list[LandUseClass]] = {}
    for cls in _table(scheme).values():
        index.setdefault(cls.parent, []).append(cls)
    return MappingProxyType({parent: tuple(kids) for parent, kids in index.items()})


@cache
def _names(scheme: str) -> Mapping[str, LandUseClass]:
    """Map the zh name and the case-folded en name of each class to the class."""
    index: dict[str, LandUseClass] = {}
    for cls in _table(scheme).values():
        index.setdefault(cls.name_zh, cls)
        index.setdefault(cls.name_en.casefold(), cls)
    return MappingProxyType(index)


@cache
def _crosswalk_index() -> Mapping[tuple[str, str, str], tuple[CrosswalkEntry, ...]]:
    index: dict[tuple[str, str, str], list[CrosswalkEntry]] = {}
    for row in _read_json("crosswalk.json")["rows"]:
        entry = CrosswalkEntry(
            from_scheme=row["from_scheme"],
            from_code=row["from_code"],
            to_scheme=row["to_scheme"],
            to_code=row["to_code"],
            relation=row["relation"],
            confidence=row["confidence"],
            note=row["note"],
        )
        index.setdefault((entry.from_scheme, entry.from_code, entry.to_scheme), []).append(entry)
        if entry.to_code is not None:
            reverse = CrosswalkEntry(
                from_scheme=entry.to_scheme,
                from_code=entry.to_code,
                to_scheme=entry.from_scheme,
                to_code=entry.from_code,
                relation=_INVERSE[entry.relation],
                confidence=entry.confidence,
                note=entry.note,
            )
            index.setdefault((reverse.from_scheme, reverse.from_code, reverse.to_scheme), []).append(reverse)
    return MappingProxyType({key: tuple(rows) for key, rows in index.items()})


# ------------------------------------------------------------------------- schemes


def _scheme_key(text: str) -> str:
    return re.sub(r"[\s\-_/.:]", "", text).casefold()


def resolve_scheme(name: str) -> str:
    """Return the scheme identifier for ``name`` (an identifier or a common alias).

    Parameters
    ----------
    name
        ``GTKJ2023``, ``GBT21010-2017``, ``SURVEY-WORKING`` or an alias such as
        ``gbt21010``, ``GB/T 21010-2017``, ``用地用海`` or ``三调`` (case-insensitive).

    Returns
    -------
    str
        One of :data:`GTKJ2023`, :data:`GBT21010`, :data:`SURVEY`.

    Raises
    ------
    guotu.errors.InvalidInputError
        ``classification.scheme_unknown`` when ``name`` names no scheme.

    Examples
    --------
    >>> resolve_scheme("gb/t 21010")
    'GBT21010-2017'
    >>> resolve_scheme("三调")
    'SURVEY-WORKING'
    """
    scheme = _SCHEME_ALIASES.get(_scheme_key(name))
    if scheme is None:
        raise InvalidInputError("classification.scheme_unknown", scheme=name, choices=", ".join(_SCHEME_IDS))
    return scheme


def get_scheme(name: str) -> Scheme:
    """Return the :class:`Scheme` named by ``name`` (see :func:`resolve_scheme`).

    Examples
    --------
    >>> get_scheme("SURVEY-WORKING").name_zh
    '国土调查工作分类（三调）'
    """
    scheme_id = resolve_scheme(name)
    return next(s for s in SCHEMES if s.id == scheme_id)


# ------------------------------------------------------------------------- classes


def get_class(code: str, scheme: str = GTKJ2023) -> LandUseClass:
    """Return the class with ``code`` in ``scheme``.

    Parameters
    ----------
    code
        The code as published ("0701"); surrounding spaces are ignored.
    scheme
        A scheme identifier or alias; 用地用海 2023 by default.

    Returns
    -------
    LandUseClass

    Raises
    ------
    guotu.errors.NotFoundError
        ``classification.code_not_found`` when the scheme has no such code.
    guotu.errors.InvalidInputError
        ``classification.scheme_unknown`` for an unknown scheme.

    Examples
    --------
    >>> get_class("0802").name_zh, get_class("0802", GBT21010).name_zh
    ('科研用地', '新闻出版用地')
    >>> get_class("9999")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    guotu.errors.NotFoundError: [classification.code_not_found] ...: 9999 (GTKJ2023)
    """
    scheme_id = resolve_scheme(scheme)
    cls = _table(scheme_id).get(code.strip().upper())
    if cls is None:
        raise NotFoundError("classification.code_not_found", code=code, scheme=scheme_id)
    return cls


def classes(scheme: str = GTKJ2023) -> tuple[LandUseClass, ...]:
    """Return every class of ``scheme`` in published order.

    Examples
    --------
    >>> len([c for c in classes() if c.level == 1])
    24
    """
    return tuple(_table(resolve_scheme(scheme)).values())


def children(code: str, scheme: str = GTKJ2023) -> tuple[LandUseClass, ...]:
    """Return the direct children of ``code`` in ``scheme``.

    Raises
    ------
    guotu.errors.NotFoundError
        When ``code`` is not in the scheme.

    Examples
    --------
    >>> [c.code for c in children("11")]
    ['1101', '1102']
    """
    cls = get_class(code, scheme)
    return _children_index(cls.scheme).get(cls.code, ())


def ancestors(code: str, scheme: str = GTKJ2023) -> tuple[LandUseClass, ...]:
    """Return the ancestors of ``code``, nearest first.

    Raises
    ------
    guotu.errors.NotFoundError
        When ``code`` is not in the scheme.

    Examples
    --------
    >>> [c.code for c in ancestors("070101")]
    ['0701', '07']
    """
    cls = get_class(code, scheme)
    table = _table(cls.scheme)
    found: list[LandUseClass] = []
    while cls.parent is not None:
        cls = table[cls.parent]
        found.append(cls)
    return tuple(found)


# -------------------------------------------------------------------------- search


def _split_prefix(text: str) -> tuple[str | None, str]:
    """Split a ``SCHEME:code`` prefix off ``text``; ``None`` and the text if there is none."""
    match = _PREFIX_RE.fullmatch(text)
    if match is None:
        return None, text
    scheme = _SCHEME_ALIASES.get(_scheme_key(match["scheme"]))
    if scheme is None:
        return None, text
    return scheme, match["rest"].strip()


def _rank(cls: LandUseClass, query: str, folded: str) -> int | None:
    """Rank a class against a query: exact code 0, exact name 1, prefix 2, substring 3.

    ``query`` has no whitespace (Chinese names and codes); ``folded`` is the query with
    single spaces, case-folded (English names).
    """
    code_query = query.upper()
    name_en = cls.name_en.casefold()
    if cls.code == code_query:
        return 0
    if query == cls.name_zh or folded == name_en:
        return 1
    if cls.code.startswith(code_query) or cls.name_zh.startswith(query):
        return 2
    if name_en.startswith(folded):
        return 2
    if query in cls.name_zh or folded in name_en:
        return 3
    return None


def _label_hits(query: str) -> Iterable[tuple[int, str, str]]:
    """Yield (rank, scheme, code) for plan labels equal to (1) or containing (4) the query."""
    key = _label_key(query)
    for label in plan_labels().values():
        label_key = _label_key(label.label)
        if label_key == key:
            rank = 1
        elif len(key) >= 2 and key in label_key:
            rank = 4
        else:
            continue
        for code in label.codes:
            yield rank, GTKJ2023, code
        for code in label.gbt21010_codes:
            yield rank, GBT21010, code


def search(text: str, *, scheme: str | None = None, limit: int = 50) -> list[LandUseClass]:
    """Find classes by code, name (zh or en) or plan-label synonym.

    Parameters
    ----------
    text
        A code ("0701", or with a scheme prefix "GBT21010-2017:05"), a Chinese or
        English name or part of one, or a label plans use ("商服用地").
    scheme
        Restrict the search to one scheme (identifier or alias).
    limit
        Return at most this many classes.

    Returns
    -------
    list of LandUseClass
        Best first: exact code, exact name or label, code or name prefix, substring,
        then classes reached through a plan label containing the text; ties by scheme
        order and code.

    Examples
    --------
    >>> [(c.scheme, c.code) for c in search("商服用地")][:2]
    [('GTKJ2023', '09'), ('GBT21010-2017', '05')]
    >>> [c.code for c in search("07", scheme=GTKJ2023)][:3]
    ['07', '0701', '070101']
    """
    prefix, spaced = _split_prefix(" ".join(text.split()))
    query = spaced.replace(" ", "")
    if not query or limit <= 0:
        return []
    only = resolve_scheme(scheme) if scheme is not None else prefix
    if prefix is not None and only != prefix:
        return []
    wanted = _SCHEME_IDS if only is None else (only,)
    folded = spaced.casefold()
    best: dict[tuple[str, str], int] = {}
    for scheme_id in wanted:
        for cls in _table(scheme_id).values():
            rank = _rank(cls, query, folded)
            if rank is not None:
                best[(scheme_id, cls.code)] = rank
    for rank, scheme_id, code in _label_hits(query):
        if scheme_id in wanted and code in _table(scheme_id):
            key = (scheme_id, code)
            best[key] = min(rank, best.get(key, rank))
    order = sorted(best, key=lambda k: (best[k], _SCHEME_IDS.index(k[0]), k[1]))
    return [_table(s)[c] for s, c in order[:limit]]


# ----------------------------------------------------------------------- crosswalk


def _derive(entry: CrosswalkEntry, code: str) -> CrosswalkEntry:
    """Carry an ancestor's crosswalk row down to its descendant ``code``."""
    if entry.relation in {"equal", "part_of"}:
        relation = "part_of"
    elif entry.relation == "none":
        relation = "none"
    else:
        relation = "overlaps"
    return CrosswalkEntry(
        from_scheme=entry.from_scheme,
        from_code=code,
        to_scheme=entry.to_scheme,
        to_code=entry.to_code,
        relation=relation,
        confidence="knowledge",
        note=entry.note,
        via=entry.from_code,
    )


def crosswalk(code: str, from_scheme: str, to_scheme: str) -> tuple[CrosswalkEntry, ...]:
    """Return the classes of ``to_scheme`` that correspond to ``code``.

    Rows are stored once and read in both directions (``part_of`` turns into
    ``contains``). A code without a row of its own inherits its nearest ancestor's rows:
    ``equal``/``part_of`` become ``part_of``, ``contains``/``overlaps`` become
    ``overlaps``, and ``via`` names the ancestor. Only direct correspondences are held
    (用地用海 2023 ↔ GB/T 21010-2017 and 国土调查工作分类 → 用地用海 2023).

    Parameters
    ----------
    code
        The code in ``from_scheme``.
    from_scheme, to_scheme
        Scheme identifiers or aliases.

    Returns
    -------
    tuple of CrosswalkEntry
        Empty when no correspondence is known.

    Raises
    ------
    guotu.errors.NotFoundError
        When ``code`` is not in ``from_scheme``.

    Examples
    --------
    >>> [(e.to_code, e.relation) for e in crosswalk("0604", GBT21010, GTKJ2023)]
    [('1101', 'contains'), ('1102', 'contains')]
    >>> e = crosswalk("070101", GTKJ2023, GBT21010)[0]
    >>> e.to_code, e.relation, e.via
    ('0701', 'part_of', '0701')
    """
    cls = get_class(code, from_scheme)
    target = resolve_scheme(to_scheme)
    if target == cls.scheme:
        return (CrosswalkEntry(cls.scheme, cls.code, target, cls.code, "equal", cls.confidence),)
    index = _crosswalk_index()
    direct = index.get((cls.scheme, cls.code, target))
    if direct:
        return direct
    for ancestor in ancestors(cls.code, cls.scheme):
        inherited = index.get((cls.scheme, ancestor.code, target))
        if inherited:
            return tuple(_derive(entry, cls.code) for entry in inherited)
    return ()


def _compact(codes: Iterable[str]) -> tuple[str, ...]:
    """Sort 用地用海 2023 codes, drop those under another, merge complete sibling sets."""
    table = _table(GTKJ2023)
    found = set(codes)
    changed = True
    while changed:
        changed = False
        for parent, kids in _children_index(GTKJ2023).items():
            if parent is not None and parent not in found and kids:
                if all(kid.code in found for kid in kids):
                    found.add(parent)
                    changed = True
    kept = set(found)
    for code in found:
        parent = table[code].parent
        while parent is not None:
            if parent in found:
                kept.discard(code)
                break
            parent = table[parent].parent
    return tuple(sorted(kept))


def _gtkj_codes(cls: LandUseClass) -> tuple[str, ...]:
    """Return the 用地用海 2023 codes a class of another scheme stands for."""
    if cls.scheme == GTKJ2023:
        return (cls.code,)
    rows = _crosswalk_index().get((cls.scheme, cls.code, GTKJ2023), ())
    equal = [r.to_code for r in rows if r.relation == "equal" and r.to_code]
    if equal:
        return _compact(equal)
    kids = _children_index(cls.scheme).get(cls.code, ())
    if kids:
        return _compact(code for kid in kids for code in _gtkj_codes(kid))
    for relations in ({"contains", "overlaps"}, {"part_of"}):
        chosen = [r.to_code for r in rows if r.relation in relations and r.to_code]
        if chosen:
            return _compact(chosen)
    return ()


# ---------------------------------------------------------------------- plan labels


def _label_key(text: str) -> str:
    """Normalise a label for comparison: no whitespace, one kind of enumeration comma."""
    return _SPACE_RE.sub("", text).translate(_COMMAS)


@cache
def plan_labels() -> Mapping[str, PlanLabel]:
    """Return every known plan label, keyed by the label as written.

    Examples
    --------
    >>> labels = plan_labels()
    >>> labels["公共管理与公共服务用地"].codes, labels["公共管理与公共服务用地"].codes_gbt
    (('08',), ('08', '13', '14'))
    >>> labels["保障性租赁住房用地"].kind, labels["保障性租赁住房用地"].h3_counts
    ('housing', True)
    """
    result: dict[str, PlanLabel] = {}
    for row in _read_json("plan_labels.json")["labels"]:
        label = PlanLabel(
            label=row["label"],
            canonical_zh=row["canonical_zh"],
            canonical_en=row["canonical_en"],
            kind=row["kind"],
            codes=tuple(row["codes"]),
            codes_gbt=tuple(row["codes_gbt"]),
            gbt21010_codes=tuple(row["gbt21010_codes"]),
            scheme_hint=row["scheme_hint"],
            h3_counts=row["h3_counts"],
            parent=row["parent"],
            confidence=row["confidence"],
            note=row["note"],
        )
        result[label.label] = label
    return MappingProxyType(result)


@cache
def _labels_by_key() -> Mapping[str, PlanLabel]:
    return MappingProxyType({_label_key(k): v for k, v in plan_labels().items()})


def match_plan_label(text: str) -> PlanLabel | None:
    """Return the plan label ``text`` is, ignoring whitespace and comma variants.

    Examples
    --------
    >>> match_plan_label(" 工业,仓储用地 ").label
    '工业、仓储用地'
    >>> match_plan_label("供应商业用地") is None
    True
    """
    return _labels_by_key().get(_label_key(text))


def _trie_regex(node: dict[str, Any]) -> str:
    """Regex for a trie node; greedy optional groups make the longest label win."""
    branches = []
    for char in sorted(k for k in node if k):
        atom = _COMMA_CLASS if char == "、" else re.escape(char)
        branches.append(atom + _trie_regex(node[char]))
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if "" in node else group


@cache
def _label_pattern() -> re.Pattern[str]:
    trie: dict[str, Any] = {}
    for key in _labels_by_key():
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_trie_regex(trie))


def find_plan_labels(text: str) -> list[tuple[int, int, PlanLabel]]:
    """Find every plan label in ``text``, longest match first, without overlaps.

    The labels are compiled once into a trie-shaped regular expression, so a whole
    document is scanned in one pass. Labels with an enumeration comma match any comma
    variant (、 , ，).

    Parameters
    ----------
    text
        Any text, typically a whole plan document.

    Returns
    -------
    list of (start, end, PlanLabel)
        Offsets into ``text`` (``end`` exclusive), in order of appearance.

    Examples
    --------
    >>> [(s, e, l.label) for s, e, l in find_plan_labels("3.供应工矿用地和仓储用地1175.42公顷")]
    [(4, 13, '工矿用地和仓储用地')]
    >>> [l.label for _, _, l in find_plan_labels("商业服务业用地和商业用地")]
    ['商业服务业用地', '商业用地']
    """
    by_key = _labels_by_key()
    found = []
    for match in _label_pattern().finditer(text):
        # The pattern admits no whitespace, so only the comma needs normalising.
        key = match.group()
        label = by_key.get(key) or by_key[key.translate(_COMMAS)]
        found.append((match.start(), match.end(), label))
    return found


def plan_labels_for(code: str, scheme: str = GTKJ2023) -> tuple[PlanLabel, ...]:
    """Return the plan labels that map to ``code``.

    For 用地用海 2023 a label maps to a code listed in its ``codes`` or ``codes_gbt``;
    for GB/T 21010 to one in its ``gbt21010_codes``. The survey scheme has none.

    Examples
    --------
    >>> [label.label for label in plan_labels_for("05", GBT21010)][:2]
    ['商业服务业用地', '商服用地']
    """
    cls = get_class(code, scheme)
    found = []
    for label in plan_labels().values():
        if cls.scheme == GTKJ2023:
            hit = cls.code in label.codes or cls.code in label.codes_gbt
        else:
            hit = cls.scheme == GBT21010 and cls.code in label.gbt21010_codes
        if hit:
            found.append(label)
    return tuple(found)


# ---------------------------------------------------------------------- normalise


@dataclass(frozen=True)
class _Reading:
    scheme: str
    matched_by: str
    codes: tuple[str, ...]
    land_class: LandUseClass | None = None
    label: PlanLabel | None = None


def _code_readings(code: str, schemes: Iterable[str]) -> list[_Reading]:
    readings = []
    for scheme in schemes:
        cls = _table(scheme).get(code)
        if cls is not None:
            readings.append(_Reading(scheme, "code", _gtkj_codes(cls), cls))
    return readings


def _class_reading(name: str, scheme: str) -> _Reading | None:
    """Read ``name`` (single-spaced) as a zh name without spaces or as an en name."""
    cls = _names(scheme).get(name.replace(" ", "")) or _names(scheme).get(name.casefold())
    return None if cls is None else _Reading(scheme, "name", _gtkj_codes(cls), cls)


def _label_readings(name: str) -> list[_Reading]:
    label = match_plan_label(name)
    if label is None:
        return []
    compact = name.replace(" ", "")
    gtkj = _Reading(GTKJ2023, "plan_label", label.codes, _names(GTKJ2023).get(compact), label)
    gbt = _Reading(GBT21010, "plan_label", label.codes_gbt, _names(GBT21010).get(compact), label)
    return [gbt, gtkj] if label.scheme_hint == "GBT21010" else [gtkj, gbt]


def _name_readings(name: str, schemes: Iterable[str]) -> list[_Reading]:
    wanted = tuple(schemes)
    readings: list[_Reading] = []
    if GTKJ2023 in wanted and (reading := _class_reading(name, GTKJ2023)):
        readings.append(reading)
    if len(wanted) == len(_SCHEME_IDS):
        readings.extend(_label_readings(name))
    for scheme in wanted:
        if scheme != GTKJ2023 and (reading := _class_reading(name, scheme)):
            readings.append(reading)
    return readings


def _result(value: str, readings: list[_Reading]) -> UseNormalization:
    chosen = readings[0]
    alternatives: list[str] = []
    for other in readings[1:]:
        if other.codes != chosen.codes and other.scheme != chosen.scheme:
            if other.scheme not in alternatives:
                alternatives.append(other.scheme)
    return UseNormalization(
        value=value,
        codes=chosen.codes,
        scheme=chosen.scheme,
        matched_by=chosen.matched_by,
        land_class=chosen.land_class,
        label=chosen.label,
        ambiguous=bool(alternatives),
        alternatives=tuple(alternatives),
    )


def normalize_use(value: str) -> UseNormalization:
    """Read a land use given as a code, a class name or a plan label.

    The value is tried, in order, as a code (with an optional ``SCHEME:`` prefix), a
    用地用海 2023 class name, a plan label, then a GB/T 21010 or survey class name.
    A bare code or a name that exists in several schemes is read in 用地用海 2023
    first; ``ambiguous`` and ``alternatives`` report readings that mean other land.
    Codes of the other schemes are carried to 用地用海 2023 through the crosswalk.

    Parameters
    ----------
    value
        "0701", "070101", "GBT21010-2017:05", "城镇住宅用地", "商服用地" ...

    Returns
    -------
    UseNormalization

    Raises
    ------
    guotu.errors.InvalidInputError
        ``classification.use_unknown`` when nothing matches.

    Examples
    --------
    >>> normalize_use("070101").codes
    ('070101',)
    >>> r = normalize_use("商服用地")
    >>> r.codes, r.scheme, r.matched_by
    (('09',), 'GBT21010-2017', 'plan_label')
    >>> r = normalize_use("05")
    >>> r.codes, r.ambiguous, r.alternatives
    (('05',), True, ('GBT21010-2017', 'SURVEY-WORKING'))
    >>> normalize_use("GBT21010-2017:06").codes
    ('10', '11')
    """
    prefix, text = _split_prefix(" ".join(value.split()))
    schemes = (prefix,) if prefix else _SCHEME_IDS
    code = text.replace(" ", "").upper()
    readings: list[_Reading] = []
    if _CODE_RE.fullmatch(code):
        readings = _code_readings(code, schemes)
    if not readings and text:
        readings = _name_readings(text, schemes)
    if not readings:
        raise InvalidInputError("classification.use_unknown", value=value)
    return _result(value, readings)
