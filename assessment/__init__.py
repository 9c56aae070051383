"""Assessment: regions, roles, rounds, submissions, values, results and everything built on them."""
