"""The illustrative sample data, apart from the pipeline: `python -m generator sample`."""
