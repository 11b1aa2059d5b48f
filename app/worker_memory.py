"""A worker's bounded memory of things made from the catalogue files.

Everything the service makes from the files (an encoded answer, a dumped
album) stays true while the files stay the same, so a worker may keep it;
:class:`KeptWhileFilesLast` holds such things up to a size in bytes, drops
the least recently used first, and forgets everything when the files'
fingerprint (:func:`app.db.files_fingerprint`) changes.
"""

import threading

from cachetools import LRUCache


class KeptWhileFilesLast:
    """Values by key, at most ``megabytes`` of them (0: nothing is kept).

    Shared by a worker's threads, hence the lock (cachetools' caches are not
    thread-safe); a lookup holds it for a dict access.

    :param sizeof: the bytes one value is counted as.
    """

    def __init__(self, megabytes, sizeof):
        self.max_bytes = int(float(megabytes) * 1024 * 1024)
        self._sizeof = sizeof
        self._lock = threading.Lock()
        self._values = self._new_store()
        self.fingerprint = None

    def _new_store(self):
        if self.max_bytes <= 0:
            return None
        return LRUCache(maxsize=self.max_bytes, getsizeof=self._sizeof)

    @property
    def enabled(self):
        return self._values is not None

    def follow(self, fingerprint):
        """Forget everything when the files' ``fingerprint`` changed."""
        if fingerprint == self.fingerprint:
            return
        with self._lock:
            if fingerprint == self.fingerprint:
                return
            self._values = self._new_store()
            self.files_changed(fingerprint)
            self.fingerprint = fingerprint

    def files_changed(self, fingerprint):
        """Called (under the lock) before ``fingerprint`` becomes the current one."""

    def get(self, key):
        if self._values is None:
            return None
        with self._lock:
            return self._values.get(key)

    def put(self, key, value, fingerprint):
        """Keep ``value``, made from the files as they were at ``fingerprint``:
        nothing is kept when they have changed since (a request that was
        running while the files were replaced)."""
        if self._values is None:
            return
        with self._lock:
            if fingerprint != self.fingerprint:
                return
            try:
                self._values[key] = value
            except ValueError:  # larger than the whole store: not kept
                pass

    def size_bytes(self):
        return 0 if self._values is None else self._values.currsize

    def __len__(self):
        return 0 if self._values is None else len(self._values)
