"""Graph rewriting: the engine (basic), the databases (db) and the standard passes."""
