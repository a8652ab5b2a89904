"""The patient's pages: the check, its result, and the printable "when to call" sheet."""
