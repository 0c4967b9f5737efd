"""Imports: funders' and councils' own files turned into our rows (360Giving today)."""
