"""Fuzzing kept in the repository: structured configs through every command, in memory (see README.md here)."""
