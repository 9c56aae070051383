"""AHP weights (层次分析法) for a draft indicator system, on a page of its admin.

An administrator picks one sibling group (the areas, or one node's children), collects the
pairwise comparisons of one to five experts on Saaty's scale, sees the weights of their
geometric-mean matrix with each expert's and the group's consistency ratio, and writes the
weights into the draft when CR < 0.1. The arithmetic is ``indicators.engine.ahp``; the method
is in docs/METHODOLOGY.md ("AHP weights").
"""
