"""gotmpl layer."""
