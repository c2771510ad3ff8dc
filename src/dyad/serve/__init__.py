"""`dyad serve`: the JSON API and the web pages over a database."""
