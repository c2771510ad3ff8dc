"""Stage 5, events: what was done to whom. The verb patterns, their reading of a parsed sentence,
and their combination with the learned event model."""
