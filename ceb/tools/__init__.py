"""Developer tools for the ceb package (not imported at run time)."""
