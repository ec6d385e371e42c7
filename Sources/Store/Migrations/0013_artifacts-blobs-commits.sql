-- Issue 15: what sentry-cli uploads, and release commits.
--
-- The blob store: content addressed by SHA-1 per organization (two organizations never share a
-- blob, so a missing-chunks answer tells nothing about another tenant). `data` is the bytes
-- (PostgreSQL is the embedded default of `BlobStore`; an object store would keep them elsewhere
-- and leave it NULL). `last_used_at` is touched by every upload or assembly naming the blob; the
-- `blobs` job deletes blobs nothing references that were not used for an hour.
CREATE TABLE blobs (
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sha1             text NOT NULL,
    size             bigint NOT NULL,
    data             bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, sha1)
);
CREATE INDEX blobs_last_used ON blobs (last_used_at);

-- Bytes each organization stores, checked against its quota in the transaction that adds blobs.
CREATE TABLE blob_usage (
    organization_id  bigint PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    bytes            bigint NOT NULL DEFAULT 0
);

-- Artifact bundles (`sourcemaps upload`), one per assembled ZIP. A bundle with a release lives
-- as long as the release; one without (debug IDs only) for the retention period.
CREATE TABLE artifact_bundles (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    checksum         text NOT NULL,
    bundle_id        text,
    release_id       bigint REFERENCES releases(id) ON DELETE CASCADE,
    dist             text,
    file_count       integer NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, checksum)
);
CREATE INDEX artifact_bundles_release ON artifact_bundles (release_id);

-- The files of a bundle, per project it was uploaded for: how the symbolication stage finds a
-- source map by debug ID, or by release, dist and URL.
CREATE TABLE artifact_files (
    project_id   bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    bundle_id    bigint NOT NULL REFERENCES artifact_bundles(id) ON DELETE CASCADE,
    path         text NOT NULL,
    url          text NOT NULL,
    kind         text NOT NULL,
    debug_id     text,
    release      text,
    dist         text NOT NULL DEFAULT '',
    sha1         text NOT NULL,
    size         bigint NOT NULL,
    PRIMARY KEY (project_id, bundle_id, path)
);
CREATE INDEX artifact_files_debug_id ON artifact_files (project_id, debug_id, kind) WHERE debug_id IS NOT NULL;
CREATE INDEX artifact_files_release_url ON artifact_files (project_id, release, dist, url);
CREATE INDEX artifact_files_sha1 ON artifact_files (sha1);
CREATE INDEX artifact_files_bundle ON artifact_files (bundle_id);

-- Debug files (`debug-files upload`, `upload-proguard`): the file is its chunks, in order.
-- ProGuard mappings are read by UUID; native files are kept, unused.
CREATE TABLE debug_files (
    id           bigserial,
    project_id   bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    checksum     text NOT NULL,
    name         text NOT NULL,
    debug_id     text,
    kind         text NOT NULL,
    size         bigint NOT NULL,
    chunks       text[] NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, id),
    UNIQUE (project_id, checksum)
);
CREATE INDEX debug_files_debug_id ON debug_files (project_id, debug_id);
CREATE INDEX debug_files_chunks ON debug_files USING gin (chunks);

-- Legacy release files (`releases files upload`, sentry-cli 1.x/2.x `upload-sourcemaps`).
CREATE TABLE release_files (
    id           bigserial PRIMARY KEY,
    release_id   bigint NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    project_id   bigint REFERENCES projects(id) ON DELETE CASCADE,
    name         text NOT NULL,
    dist         text NOT NULL DEFAULT '',
    sha1         text NOT NULL,
    size         bigint NOT NULL,
    headers      jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (release_id, dist, name)
);
CREATE INDEX release_files_sha1 ON release_files (sha1);

-- Commits sent by `releases set-commits --local/--auto`, with the files each changed.
CREATE TABLE release_commits (
    release_id    bigint NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    position      integer NOT NULL,
    commit_id     text NOT NULL,
    repository    text NOT NULL,
    author_name   text,
    author_email  text,
    message       text,
    committed_at  timestamptz,
    paths         text[] NOT NULL DEFAULT '{}',
    change_types  text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (release_id, position)
);

-- Head commits (`refs`) sent when repositories are registered: stored, never resolved.
CREATE TABLE release_head_commits (
    release_id       bigint NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    repository       text NOT NULL,
    commit_id        text NOT NULL,
    previous_commit  text,
    PRIMARY KEY (release_id, repository)
);

-- Repositories registered for an organization (`/organizations/{org}/repos/`).
CREATE TABLE repositories (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             text NOT NULL,
    provider         text NOT NULL DEFAULT 'integrations:custom',
    url              text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);
