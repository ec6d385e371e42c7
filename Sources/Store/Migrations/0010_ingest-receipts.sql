-- Receipts of spooled messages already counted (issue 13): the relay's spool sends each message
-- with (spool id, record sequence, index in the record), and a record replayed after a restart
-- carries the same; a processor counts a message only if its receipt is new. Events need none
-- (unique per project and event id); outcomes and later counted items use this. Rows older than
-- a week are deleted by the singleton job `receipts` (a spool replays within minutes).
CREATE TABLE ingest_receipts (
    project_id   bigint NOT NULL,
    spool_id     uuid NOT NULL,
    sequence     bigint NOT NULL,
    item         integer NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, spool_id, sequence, item)
);
CREATE INDEX ingest_receipts_received_at ON ingest_receipts (received_at);
