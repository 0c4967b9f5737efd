"""Site: formatting, URLs, templates, the Markdown pages, charts, lists, entity pages, the MkDocs
step and the search index."""
