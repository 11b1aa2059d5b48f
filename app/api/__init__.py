"""One blueprint per route family; each view parses, calls the catalogue, dumps."""
