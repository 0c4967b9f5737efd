"""Publish a council's commissioning data as a validated open-data website."""

__version__ = "0.1.0"
