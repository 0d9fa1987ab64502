"""Notifications and forwards through the outbox: queue, events, messages, transports, worker."""
