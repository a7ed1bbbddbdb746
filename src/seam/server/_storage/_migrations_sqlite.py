"""The embedded broker's numbered migrations on SQLite (``_migrations_postgresql``: PostgreSQL).

Each engine has its own list with the same numbers: a schema change is one entry appended to
both, written in each engine's dialect. Never edit a shipped entry: append a new one (the
number is stored in schema_migrations).
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

# Applied in order, each inside one transaction.
MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE pacticipants (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT,
            repository_url TEXT,
            main_branch TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            number TEXT NOT NULL,
            build_url TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (pacticipant_id, number)
        );
        CREATE TABLE branches (
            id INTEGER PRIMARY KEY,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (pacticipant_id, name)
        );
        CREATE TABLE branch_versions (
            branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (branch_id, version_id)
        );
        CREATE INDEX branch_versions_version ON branch_versions(version_id);
        CREATE TABLE tags (
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (version_id, name)
        );
        CREATE INDEX tags_name_version ON tags(name, version_id);
        CREATE TABLE pact_versions (
            id INTEGER PRIMARY KEY,
            sha TEXT NOT NULL,
            consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            content TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (consumer_id, provider_id, sha)
        );
        CREATE INDEX pact_versions_sha ON pact_versions(sha);
        CREATE INDEX pact_versions_provider ON pact_versions(provider_id, consumer_id);
        CREATE TABLE pact_publications (
            id INTEGER PRIMARY KEY,
            consumer_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            UNIQUE (consumer_version_id, provider_id)
        );
        CREATE INDEX pact_publications_provider
            ON pact_publications(provider_id, consumer_version_id);
        CREATE INDEX pact_publications_pact_version ON pact_publications(pact_version_id);
        CREATE TABLE verifications (
            id INTEGER PRIMARY KEY,
            pact_version_id INTEGER NOT NULL REFERENCES pact_versions(id) ON DELETE CASCADE,
            provider_version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            success INTEGER NOT NULL,
            build_url TEXT,
            test_results TEXT,
            verified_by TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX verifications_pact_provider
            ON verifications(pact_version_id, provider_version_id, id);
        CREATE INDEX verifications_provider_version ON verifications(provider_version_id);
        CREATE TABLE environments (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT,
            production INTEGER NOT NULL DEFAULT 0,
            contacts TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE deployed_versions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            application_instance TEXT,
            currently_deployed INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            undeployed_at TEXT
        );
        CREATE INDEX deployed_versions_current
            ON deployed_versions(environment_id, pacticipant_id, currently_deployed);
        CREATE INDEX deployed_versions_version ON deployed_versions(version_id);
        CREATE TABLE released_versions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
            currently_supported INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            support_ended_at TEXT,
            UNIQUE (version_id, environment_id)
        );
        CREATE INDEX released_versions_current
            ON released_versions(environment_id, pacticipant_id, currently_supported);
        CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            description TEXT,
            consumer TEXT,
            provider TEXT,
            events TEXT NOT NULL,
            request TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    ),
    (
        2,
        # One row per consumer/provider pair, so can-i-deploy finds a pacticipant's
        # integrations with an index lookup instead of scanning every pact version.
        """
        CREATE TABLE integrations (
            consumer_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            provider_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (consumer_id, provider_id)
        ) WITHOUT ROWID;
        CREATE INDEX integrations_provider ON integrations(provider_id, consumer_id);
        INSERT OR IGNORE INTO integrations (consumer_id, provider_id, created_at)
            SELECT consumer_id, provider_id, MIN(created_at) FROM pact_versions
            GROUP BY consumer_id, provider_id;
        """,
    ),
    (
        3,
        # The webhook outbox: one row per (webhook, event), written in the transaction of
        # the change that triggers it, claimed by one instance at a time with a lease
        # (claimed_by/claimed_until), retried on a schedule (seam.server._webhook_delivery).
        # Each attempt is kept in webhook_attempts: the delivery log served over HAL.
        """
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            webhook_uuid TEXT NOT NULL,
            event_name TEXT NOT NULL,
            consumer TEXT,
            provider TEXT,
            request TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            claimed_by TEXT,
            claimed_until TEXT,
            response_status INTEGER,
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
        CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_uuid, id);
        CREATE TABLE webhook_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            instance TEXT NOT NULL,
            started_at TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            response_status INTEGER,
            response_body TEXT,
            error TEXT
        );
        CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, number);
        """,
    ),
    (
        4,
        # Pacticipant labels (the Pact Broker's PUT /pacticipants/{name}/labels/{label}), and
        # webhooks scoped by a consumer or provider label instead of a name.
        """
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            pacticipant_id INTEGER NOT NULL REFERENCES pacticipants(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (pacticipant_id, name)
        );
        CREATE INDEX labels_name ON labels(name);
        ALTER TABLE webhooks ADD COLUMN consumer_label TEXT;
        ALTER TABLE webhooks ADD COLUMN provider_label TEXT
        """,
    ),
]
