"""Article records: what every reader produces and the store keeps."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass

FIELDS = ("id", "title", "body", "date", "source", "url", "category", "author")


@dataclass
class Article:
    """One article as kept in the archive.  ``id`` is stable across re-ingests."""

    id: str
    title: str
    body: str
    date: str | None = None  # ISO 8601 date or datetime
    source: str | None = None
    url: str | None = None
    category: str | None = None
    author: str | None = None
    #: Shared by every article known to tell the same story (exact or near
    #: duplicates); the id of the group's first article.  None when alone.
    dup_group: str | None = None
    #: For an exact duplicate (same normalized body as an article already
    #: archived under another id): that article's id.  Such an article is kept
    #: in the archive but not indexed.  None for the articles that are indexed.
    canonical_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Record:
    """An article as read from a source, before it has an id, plus where it came from."""

    title: str
    body: str
    id: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    category: str | None = None
    author: str | None = None
    origin: str = ""  # "path" or "path:line"
    raw: str | None = None  # the input as read, kept with the article
    line: int | None = None  # where the record starts in its file, for messages

    def to_article(self) -> Article:
        return Article(
            id=self.id or derive_id(self),
            title=self.title, body=self.body, date=self.date,
            source=self.source, url=self.url, category=self.category, author=self.author,
        )


@dataclass
class Failure:
    """Input that could not become an article: reported, never stored."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message}


_SPACE = re.compile(r"\s+")
# Arabic harakat and tatweel, so a re-vowelled copy gets the same id.
_MARKS = re.compile("[\u064B-\u065F\u0670\u0640]")


def fingerprint(text: str) -> str:
    """A hash of text that ignores spacing, diacritics and Unicode form."""
    t = unicodedata.normalize("NFKC", text)
    t = _SPACE.sub(" ", _MARKS.sub("", t)).strip()
    return hashlib.sha1(t.encode("utf-8")).hexdigest()


def derive_id(record: Record) -> str:
    """A stable id for a record that has none: from its URL, else its text."""
    if record.url:
        return hashlib.sha1(record.url.strip().encode("utf-8")).hexdigest()[:16]
    return fingerprint(record.title + "\n" + record.body)[:16]


def content_hash(article: Article) -> str:
    """What decides whether a re-ingested article changed."""
    parts = [article.title, article.body, article.date or "", article.source or "",
             article.url or "", article.category or ""]
    if article.author:
        parts.append(article.author)
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
