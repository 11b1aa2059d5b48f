"""Spotify's search query language: free words and field filters in ``q``.

``q`` holds free words, then filters: ``track:``, ``album:``, ``artist:``,
``year:`` (``1999`` or ``1990-1999``), ``isrc:``, ``genre:``, ``upc:`` and
``tag:`` (read and ignored). A filter's value runs up to the next filter, or
sits in single or double quotes; quotes may be unbalanced, as clients quote
names that hold apostrophes (``album:'Don't Stop'``). Free words after a
filter belong to its value. Matching folds case and accents.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field

FILTERS = ("track", "album", "artist", "year", "isrc", "genre", "upc", "tag")
_FILTER_START = re.compile(r"(?:^|(?<=\s))(" + "|".join(FILTERS) + r"):", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"([0-9]{1,4})(?:\s*-\s*([0-9]{1,4}))?")
QUOTES = "'\""


@dataclass
class SearchQuery:
    free: str = ""
    filters: dict = field(default_factory=dict)

    def text(self, name):
        """The words a kind's names must hold: the free words, and its own filter."""
        return " ".join(part for part in (self.free, self.filters.get(name, "")) if part)

    def years(self):
        """(first, last) year of the ``year:`` filter, or None when absent or unreadable."""
        value = self.filters.get("year")
        match = _YEAR_RANGE.fullmatch(value or "")
        if match is None:
            return None
        first = int(match.group(1))
        return first, int(match.group(2) or first)


def parse(q):
    """Split ``q`` into its free words and its filters ({name: value})."""
    starts = list(_FILTER_START.finditer(q))
    free = q[:starts[0].start()] if starts else q
    filters = {}
    for number, start in enumerate(starts):
        end = starts[number + 1].start() if number + 1 < len(starts) else len(q)
        name = start.group(1).lower()
        value = unquoted(q[start.end():end])
        if value:
            filters[name] = f"{filters[name]} {value}" if name in filters else value
    return SearchQuery(unquoted(free), filters)


def unquoted(value):
    """The value without surrounding whitespace and quotes, balanced or not."""
    value = value.strip()
    if value and value[0] in QUOTES:
        value = value[1:]
    if value and value[-1] in QUOTES:
        value = value[:-1]
    return value.strip()


# Names repeat within a search (an artist on every track of the window):
# each is folded once.
@functools.lru_cache(maxsize=8192)
def folded_words(text):
    """The words of ``text`` without case or accents: how names and values compare.

    :return: a tuple (cached, so not to be changed).
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return tuple(re.findall(r"\w+", plain.casefold()))


def words_match(value, name):
    """Whether every word of ``value`` is a word of ``name``, the last one as a prefix.

    :return: 2 when the name is exactly the value (folded), 1 when it holds
        it, 0 when it does not.
    """
    wanted, held = folded_words(value), folded_words(name)
    if wanted == held:
        return 2
    if not wanted:
        return 1
    *whole, last = wanted
    if not all(word in held for word in whole):
        return 0
    return 1 if any(word.startswith(last) for word in held) else 0


def any_name_match(value, names):
    """The best :func:`words_match` of ``value`` against any of ``names``, or
    against all of them together (``artist:Daft Punk Pharrell``)."""
    best = max((words_match(value, name) for name in names), default=0)
    return best or words_match(value, " ".join(names))
