"""The service layer: the application (the event store, atomic saves) and its use cases by family. Only
entrypoints (`cli`, `api`) and the demo import it; it imports the domain (aggregates, rules, rule book, calendar)."""
