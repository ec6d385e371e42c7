-- Erasure of one end user's data (issue 16): one row per privacy request, per organization and
-- identifier. The identifier is kept only as a hash (ErasureTarget.hash); the row is the
-- tombstone the processors consult before they store an event (an event of an erased user that
-- was still in Kafka is dropped), and the progress of the erasure (cursor and counts), so a
-- killed erasure rerun resumes where it stopped.
CREATE TABLE user_erasures (
    id                    bigserial PRIMARY KEY,
    organization_id       bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind                  text NOT NULL CHECK (kind IN ('id', 'email', 'username', 'ip')),
    identifier_hash       text NOT NULL,
    requested_at          timestamptz NOT NULL DEFAULT now(),
    finished_at           timestamptz,
    -- The next event to look at: project, then event id (scanned in event_ids order).
    cursor_project_id     bigint NOT NULL DEFAULT 0,
    cursor_event_id       uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    events_deleted        bigint NOT NULL DEFAULT 0,
    issues_deleted        bigint NOT NULL DEFAULT 0,
    dead_letters_deleted  bigint NOT NULL DEFAULT 0,
    UNIQUE (organization_id, kind, identifier_hash)
);
