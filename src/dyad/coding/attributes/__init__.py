"""Stage 6, attributes: when and where each event happened."""
