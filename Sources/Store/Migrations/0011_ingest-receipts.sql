-- Receipts of spooled messages already counted (issue 13): the relay's spool sends each message
-- with (spool id, record sequence, index in the record), and a record replayed after a restart
-- carries the same; a processor counts a message only if its receipt is new. Events need none
-- (unique per project and event id); outcomes and later counted items use this.
CREATE TABLE ingest_receipts (
    project_id   bigint NOT NULL,
    spool_id     uuid NOT NULL,
    sequence     bigint NOT NULL,
    item         integer NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, spool_id, sequence, item)
);
CREATE INDEX ingest_receipts_spool_sequence ON ingest_receipts (spool_id, sequence);

-- How far each relay's spool is released: records up to `released` are processed and will not
-- be replayed, so their receipts can go (the singleton job `receipts`, every minute). A receipt
-- of a spool that reports nothing for a week is deleted by age.
CREATE TABLE spool_releases (
    spool_id    uuid PRIMARY KEY,
    released    bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
