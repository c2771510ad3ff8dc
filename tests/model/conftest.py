from __future__ import annotations

import string
from typing import Any

import pytest


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    """A small BERT-style WordPiece tokenizer built here (the same normalizer and pre-tokenizer as
    MiniLM's: lower case, accents stripped, punctuation split): whole words for a few common
    words, letters as pieces for the rest, so names split into many pieces, as real ones do."""
    tokenizers = pytest.importorskip("tokenizers", reason="tokenizers is a run-time dependency of the event model")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "in", "and", "police", "minister", "told", "to", "a", "of", "from",
             "signed", "pact", "reopen", "border", "detained", "protesters", "interior", "car", "bomb", "killed", ".", ",", "'"]
    pieces = list(string.ascii_lowercase) + [f"##{c}" for c in string.ascii_lowercase + string.digits] + list(string.digits)
    vocab = {token: index for index, token in enumerate(dict.fromkeys(words + pieces))}
    tok = tokenizers.Tokenizer(tokenizers.models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = tokenizers.normalizers.BertNormalizer(lowercase=True, strip_accents=True)
    tok.pre_tokenizer = tokenizers.pre_tokenizers.BertPreTokenizer()
    tok.post_processor = tokenizers.processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return tok
