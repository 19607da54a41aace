"""Is the collaboration getting more effective over time? (report 03's analyses)."""
