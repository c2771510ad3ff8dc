"""`dyad eval`: Dyad's coding scored against the public gold data and the team's own sets."""
