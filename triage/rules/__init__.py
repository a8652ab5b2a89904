"""The clinic's rule file: read, checked, built, verified, reviewed and compared.

`load(path)` reads and checks a file and returns the engine's RuleSet, or raises FileProblems
with file:line for every problem (loader.py).
"""

from .loader import load, schema

__all__ = ["load", "schema"]
