-- The outbox: events written in the transaction that changed the task, so an event is
-- stored if and only if its change is; a relay publishes them to the queue in id order.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    body TEXT NOT NULL,
    metadata TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
