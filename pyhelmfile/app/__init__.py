"""app layer: one module per command; app/run holds the run machinery they share."""
