"""Exports: the downloads (package.py, xlsx.py, on the kernels in columns.py), the standards files
(360Giving, OCDS, Transparency Code: standards.py) and the DCAT catalogue."""
