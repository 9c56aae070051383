"""Thin views: parse, authorise (assessment.access), call a service or selector, render."""
