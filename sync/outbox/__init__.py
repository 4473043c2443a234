"""The transactional outbox of events for the customer-notification backend."""
