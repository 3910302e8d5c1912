"""Places: finding place names in a Document, filtering the ones that are not event places, and resolving each to a gazetteer entry."""
