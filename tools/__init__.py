"""Developer tools kept out of the hingecheck package (not installed with it)."""
