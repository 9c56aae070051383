"""Reads with a known, fixed number of queries; views and templates never query on their own."""
