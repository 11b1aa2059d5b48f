"""Rows made into dicts by functions written once per select list.

``dict(zip(names, row))`` pays, for every column of every row, a pair tuple,
a sequence check and a generic insert; a batch answer builds some 5,000 such
dicts (docs/PERFORMANCE.md). A dict display over the unpacked row is built
by one bytecode instruction from its constant keys, so each select list gets
its own small function, written out from its names when its module loads.
"""

def row_reader(names):
    """A function turning rows (tuples of ``len(names)`` columns) into a
    list of dicts keyed by ``names``, in that order."""
    values = _value_names("column", len(names))
    return _compiled(
        "read",
        f"def read(rows):\n"
        f"    return [{_dict_display(names, values)} for {', '.join(values)}, in rows]\n",
    )


def keyed_row_reader(names):
    """A function turning rows of a key then ``names`` into {key: dict keyed
    by ``names``}."""
    values = _value_names("column", len(names))
    return _compiled(
        "read",
        f"def read(rows):\n"
        f"    return {{key: {_dict_display(names, values)} for key, {', '.join(values)}, in rows}}\n",
    )


def joined_row_reader(names, joined_key, joined_names):
    """A function turning rows of ``names`` then ``joined_names`` (a row and
    the row it joins, such as a track and its album) into ``(rows, joined)``:
    a list of dicts keyed by ``names`` and ``joined_key``, the latter holding
    the joined row, and {first joined column: joined row}, one dict per
    joined row however many rows share it."""
    values = _value_names("column", len(names))
    joined_values = _value_names("joined", len(joined_names))
    row_display = _dict_display(names + (joined_key,), values + ["joined_row"])
    return _compiled(
        "read",
        f"def read(rows):\n"
        f"    made, joined = [], {{}}\n"
        f"    for {', '.join(values + joined_values)}, in rows:\n"
        f"        joined_row = joined.get({joined_values[0]})\n"
        f"        if joined_row is None:\n"
        f"            joined_row = joined[{joined_values[0]}] = "
        f"{_dict_display(joined_names, joined_values)}\n"
        f"        made.append({row_display})\n"
        f"    return made, joined\n",
    )


def _value_names(prefix, count):
    return [f"{prefix}_{index}" for index in range(count)]


def _dict_display(names, values):
    return "{" + ", ".join(f"{name!r}: {value}" for name, value in zip(names, values)) + "}"


def _compiled(name, source):
    namespace = {}
    exec(source, namespace)  # noqa: S102 - source built from column names of app/catalog
    return namespace[name]
