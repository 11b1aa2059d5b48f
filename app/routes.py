"""Route templates as the contract writes them: ``/lookup/track/{id}``.

Flask spells the rule ``/lookup/track/<track_id>``; the log lines, the
metrics and the OpenAPI document all turn it into a template here, so a
route has one spelling everywhere.
"""

import functools
import re

from flask import request

# A variable of a rule: <name>, or <converter:name> (<path:filename>).
_variable_re = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


@functools.lru_cache(maxsize=None)
def template(rule):
    """Return the template of the rule string ``rule`` (``{name}`` per variable)."""
    # Cached: it runs for the log line and the metrics of every request, and
    # the rules are few.
    return _variable_re.sub(r"{\1}", rule)


def variables(rule):
    """Return the names of the variables of the rule string ``rule``, in path order."""
    return _variable_re.findall(rule)


def route_template():
    """The template of the route the current request matched.

    Unmatched paths share one value, so a scan of random URLs cannot create
    an unbounded number of metric series or log values.
    """
    # The request object itself, once: each attribute read through the
    # request proxy costs several times more than the lookup.
    rule = request._get_current_object().url_rule
    if rule is None:
        return "(unmatched)"
    return template(rule.rule)
