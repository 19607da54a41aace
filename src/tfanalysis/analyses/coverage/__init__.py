"""Where services are, and who can reach them (report 01's analyses)."""
