"""What every part may need before the app exists: where the project lives, the shipped rule
file, and the error that stops the app from starting. A leaf module (it imports nothing of the
package), so `create_app` can import the blueprints and they can import this without a cycle.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_RULES = PROJECT_ROOT / "rules.yaml"


class StartupError(RuntimeError):
    """The app must not start; the message says what to fix."""
