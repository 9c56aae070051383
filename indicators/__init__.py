"""Indicator systems: versioned weighted trees of indicators, maturity levels, and the engine."""
