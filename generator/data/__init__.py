"""Data: the package read and validated (file checks, then the Table Schemas, by the fast validator
or by frictionless), the typed tables loaded, and the council's checks. stage.py runs it whole."""
