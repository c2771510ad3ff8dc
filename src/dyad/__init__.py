"""Dyad: turn news articles into political event data.

    >>> import dyad
    >>> pipeline = dyad.Pipeline()
    >>> article = pipeline.code_text("Russia expelled two Japanese diplomats on Monday.", date="2024-03-06")
    >>> [(e.actor.code, e.event_type, e.recipient.country) for e in article.events]
    [('RUS', 'SANCTION', 'JPN')]
"""

from __future__ import annotations

__version__ = "0.1.0"

from .codebook import PLOVER_TYPES, Codebook
from .coding.ingest.files import read
from .coding.nlp import load_model
from .coding.pipeline import Pipeline, RunReport, code_paths
from .errors import DataFileError, DyadError, InputError, ModelNotFoundError, StoreError
from .store import query
from .store.query import load
from .store.store import Store
from .types import Actor, Article, Event, Location, Mention, Sentence

__all__ = [
    "PLOVER_TYPES",
    "Actor",
    "Article",
    "Codebook",
    "DataFileError",
    "DyadError",
    "Event",
    "InputError",
    "Location",
    "Mention",
    "ModelNotFoundError",
    "Pipeline",
    "RunReport",
    "Sentence",
    "Store",
    "StoreError",
    "__version__",
    "code_paths",
    "load",
    "load_model",
    "query",
    "read",
]
