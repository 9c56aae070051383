"""Writes, each in a transaction, with keyword-only arguments (HackSoft style)."""
