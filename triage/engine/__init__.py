"""The engine: the clinic's vocabulary, rule conditions, and the evaluation of answers.

Plain Python with no web framework: the rules, the proofs, the pages, the API and the CLI all
build on it (tests/test_imports.py keeps Flask out and the arrows pointing here).
"""

from .evaluation import AnswerProblems, check_answers, evaluate

__all__ = ["AnswerProblems", "check_answers", "evaluate"]
