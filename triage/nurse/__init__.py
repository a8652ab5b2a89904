"""The clinic's staff: call mode and its chart note, and the clinical review sheet."""
