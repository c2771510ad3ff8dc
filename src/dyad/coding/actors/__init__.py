"""Stage 4, actors: who is who. The knowledge base, the mentions of its actors in a sentence, and
their actor codes."""
