"""Plan metadata from the text: jurisdiction, year, status, number, date, attachments."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Final

from guotu.domain.plan import Attachment

__all__ = ["PlanMeta", "read_meta"]

_TITLE_RE: Final = re.compile(
    r"(?P<name>[\u4e00-\u9fa5]{2,16}?(?:自治州|自治县|自治旗|特别行政区|新区|市|县|区|旗|盟))"
    r"(?P<scope>市本级|县本级|区本级|本级|中心城区|市区)?"
    r"(?P<year>(?:19|20)\d{2})(?:年度?|—\d{4}年|-\d{4}年)"
    r"[\u4e00-\u9fa5]{0,14}?供应计划"
)
#: A multi-year title: 槐溪市国有建设用地供应三年滚动计划（2026—2028年）. The plan year is the first.
_ROLLING_TITLE_RE: Final = re.compile(
    r"(?P<name>[\u4e00-\u9fa5]{2,16}?(?:自治州|自治县|自治旗|新区|市|县|区|旗|盟))"
    r"(?P<scope>市本级|县本级|区本级|本级)?[\u4e00-\u9fa5]{0,16}?供应[\u4e00-\u9fa5]{0,10}?计划"
    r"[(（](?P<year>(?:19|20)\d{2})"
)
_NAME_PREFIX: Final = re.compile(r"^.*?(?:关于印发|关于发布|关于公布|印发|发布|公布|转发|关于|《|现将|现就)")
_DOC_NUMBER_RE: Final = re.compile(r"[\u4e00-\u9fa5]{1,10}[〔［\[(（]\s*\d{4}\s*[〕］\])）]\s*\d+\s*号")
_DATE_RE: Final = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
_YEAR_RE: Final = re.compile(r"((?:19|20)\d{2})年")
_DRAFT_RE: Final = re.compile(r"征求意见稿|征求意见|草案|送审稿|讨论稿")
_ADJUSTED_RE: Final = re.compile(r"调整(?:后的)?(?:国有建设用地|土地)?供应计划|供应计划(?:的)?调整方案|计划调整")
_APPROVED_RE: Final = re.compile(
    r"经[\u4e00-\u9fa5\d]{0,16}(?:人民政府|常务会议|政府)[\u4e00-\u9fa5\d]{0,8}(?:同意|批准|审议通过|审定通过|通过)"
    r"|已经[\u4e00-\u9fa5]{0,12}(?:同意|批准)|人民政府[\d年月日号]{0,14}(?:批准|同意)"
    r"|(?:人民政府|常务会议)[\u4e00-\u9fa5\d]{0,10}(?:研究同意|审议通过|审定通过)"
)
_PUBLISHED_RE: Final = re.compile(
    r"予以公布|现予公布|现将[^。]{0,40}?公(?:布|告)|此件公开发布|自颁布之日起|自发布之日起|公开发布|公告如下|"
    r"的公告"
)
_CN_YEAR_RE: Final = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_NEWS_PLACE_RE: Final = re.compile(
    r"([\u4e00-\u9fa5]{2,8}?(?:自治州|自治县|市|县|区|旗))(?:自然资源|人民政府|国土|规划和自然资源)"
)
_ISSUER_RE: Final = re.compile(
    r"([\u4e00-\u9fa5]{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|自然资源和规划局|自然资源局|国土资源局|自然资源和规划委员会))"
)
_ATTACHMENT_BLOCK_RE: Final = re.compile(r"附件[:：]?\s*(.+)")
_ATTACHMENT_TITLE_RE: Final = re.compile(r"[\u4e00-\u9fa5\d（）()《》]{3,60}(?:表|计划|清单|图|方案|目录)")


@dataclass(frozen=True)
class PlanMeta:
    """What the text says about the plan itself."""

    jurisdiction: str | None
    scope: str | None
    year: int | None
    status: str | None
    title: str | None
    title_span: tuple[int, int] | None
    document_number: str | None
    issuer: str | None
    date: str | None
    attachments: tuple[Attachment, ...]


def _arabic_year(match: re.Match[str]) -> str:
    digits = "〇一二三四五六七八九"
    return "".join(str(digits.index(c)) if c in digits else "0" for c in match.group(0))


def _title(compact: str) -> re.Match[str] | None:
    head = compact[:3000]
    return _TITLE_RE.search(head) or _ROLLING_TITLE_RE.search(head) or _TITLE_RE.search(compact)


def _clean_name(name: str) -> str:
    """Keep the place name of a match that ran on from earlier words (…的公告潇岭市)."""
    name = _NAME_PREFIX.sub("", name)
    name = re.split(r"的|公告|通知|计划|用地|年度|关于|印发|发布|公布|转发|《|》|日经|经", name)[-1]
    return name


def _status(compact: str, title: str | None) -> str | None:
    head = compact[:600]
    if _DRAFT_RE.search(head):
        return "draft"
    if (title and "调整" in title) or _ADJUSTED_RE.search(head):
        return "adjusted"
    published = _PUBLISHED_RE.search(compact)
    approved = _APPROVED_RE.search(compact)
    if published:
        return "published"
    if approved or re.search(r"印发", compact[:800]):
        # Approved by the government and issued to its departments (印发), not
        # (yet) published to the public.
        return "approved"
    return None


def _attachments(compact: str) -> tuple[Attachment, ...]:
    match = _ATTACHMENT_BLOCK_RE.search(compact)
    if not match:
        return ()
    block = compact[match.end(1) - len(match.group(1)) : match.start() + 600]
    titles: list[str] = []
    for piece in re.split(r"\n|(?<![\d.])\d+[.、．](?!\d)", block):
        name = piece.strip(" ：:；;。，,")
        if not name:
            continue
        if not _ATTACHMENT_TITLE_RE.fullmatch(name):
            break
        if name not in titles:
            titles.append(name)
    rest = compact[match.start() + 600 :]
    return tuple(Attachment(title=t, present=t in rest) for t in titles)


def read_meta(compact: str) -> PlanMeta:
    """Read the plan's metadata from the compact view of its text.

    Examples
    --------
    >>> meta = read_meta("巴楚县2026年度国有建设用地供应计划(征求意见稿)为有效实施")
    >>> meta.jurisdiction, meta.year, meta.status
    ('巴楚县', 2026, 'draft')
    >>> read_meta("关于印发阳泉市市本级2026年度国有建设用地供应计划的通知").scope
    '市本级'
    """
    compact = _CN_YEAR_RE.sub(_arabic_year, compact)
    match = _title(compact)
    jurisdiction = scope = title = None
    title_span = None
    year: int | None = None
    if match:
        name = _clean_name(match.group("name"))
        jurisdiction = name if len(name) >= 2 else None
        scope = match.group("scope")
        year = int(match.group("year"))
        start = match.start() + (len(match.group("name")) - len(name))
        title = compact[start : match.end()]
        title_span = (start, match.end())
    if jurisdiction is None:
        place = _NEWS_PLACE_RE.search(compact[:600])
        if place:
            name = _clean_name(re.sub(r"^(?:本报讯|记者从|据|从)+", "", place.group(1)))
            jurisdiction = name if len(name) >= 3 or (len(name) == 2 and name[0] not in "市县区") else None
    if year is None:
        years = Counter(int(y) for y in _YEAR_RE.findall(compact[:2000]))
        year = years.most_common(1)[0][0] if years else None
    # The document's own number stands above its title; numbers cited later are its basis.
    number = _DOC_NUMBER_RE.search(compact[: title_span[0] if title_span else 200])
    dates = _DATE_RE.findall(compact)
    date = None
    if dates:
        y, m, d = dates[-1]
        date = f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
    issuers = _ISSUER_RE.findall(compact[-400:]) or _ISSUER_RE.findall(compact[:400])
    return PlanMeta(
        jurisdiction=jurisdiction,
        scope=scope,
        year=year,
        status=_status(compact, title),
        title=title,
        title_span=title_span,
        document_number=re.sub(r"\s+", "", number.group(0)) if number else None,
        issuer=issuers[-1] if issuers else None,
        date=date,
        attachments=_attachments(compact),
    )
