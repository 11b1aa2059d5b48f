"""Encoded answers kept in each worker's memory, keyed by the request.

The catalogue files never change while they are served, so the same request
gets the same bytes until they do. A worker keeps the most recently used
answers up to ``ANSWER_CACHE_MB`` (0: none kept) and serves a repeat from
here, before any SQL or serialisation; everything is dropped when the files'
fingerprint changes (:mod:`app.worker_memory`). The same fingerprint and
request make the answer's ETag, so a tag is known before the answer is
built, and a client that holds it is answered 304 without either.
"""

import hashlib
from importlib import metadata
from typing import NamedTuple

from app.worker_memory import KeptWhileFilesLast

# What an entry costs a worker beyond its body (the tuple, the key, the
# LRU's bookkeeping), as measured (bench.zipf_cache, docs/PERFORMANCE.md),
# so the setting's MB are the worker's MB.
ENTRY_OVERHEAD_BYTES = 512


class Answer(NamedTuple):
    body: bytes
    content_type: str


def _code_version():
    # Part of every tag: a new release may shape the same rows differently.
    try:
        return metadata.version("music-metadata-api")
    except metadata.PackageNotFoundError:
        return "unreleased"


class AnswerCache(KeptWhileFilesLast):
    """One worker's answers, and the tags of answers for the current files."""

    def __init__(self, megabytes):
        super().__init__(megabytes, lambda answer: len(answer.body) + ENTRY_OVERHEAD_BYTES)
        self._tag_base = None

    def files_changed(self, fingerprint):
        base = hashlib.blake2b(digest_size=16)
        base.update(repr((_code_version(), fingerprint)).encode())
        self._tag_base = base

    def tag(self, key):
        """The strong ETag value (unquoted) of the answer to request ``key``."""
        digest = self._tag_base.copy()
        digest.update(key.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()
