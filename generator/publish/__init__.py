"""Publish: the build key (incremental.py), the releases and their feed, and the swap of the
finished site into place (swap.py)."""
