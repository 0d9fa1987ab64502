"""Domain logic, independent of HTTP: seeding, routing, workflow, SLA, storage and more."""
