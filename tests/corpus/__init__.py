"""Test corpus of supply-plan documents with ground truth (see ``documents.py``)."""

from __future__ import annotations

from .documents import BY_NAME, CORPUS, GB18030_DOCS
from .model import CorpusDoc, ExpectedFigure, ExpectedFinding, Heading, Para, Table
from .render import FORMATS, corpus_files, corpus_paths, doc_for_path, write

__all__ = [
    "BY_NAME",
    "CORPUS",
    "FORMATS",
    "GB18030_DOCS",
    "CorpusDoc",
    "ExpectedFigure",
    "ExpectedFinding",
    "Heading",
    "Para",
    "Table",
    "corpus_files",
    "corpus_paths",
    "doc_for_path",
    "write",
]
