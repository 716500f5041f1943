"""helm layer."""
