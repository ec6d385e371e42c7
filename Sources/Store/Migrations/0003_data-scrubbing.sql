-- Server-side data scrubbing per project, read by processors. On by default.
ALTER TABLE projects ADD COLUMN scrub_data boolean NOT NULL DEFAULT true;
ALTER TABLE projects ADD COLUMN scrub_ip_addresses boolean NOT NULL DEFAULT false;
ALTER TABLE projects ADD COLUMN sensitive_fields text[] NOT NULL DEFAULT '{}';
