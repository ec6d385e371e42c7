-- Invitations (issue 16): a pending member of an organization, known by email, who becomes a
-- member by opening a one-time link. The id comes from organization_members' sequence, so a
-- pending member keeps its id when the invitation is accepted (as Sentry's members API shows one
-- id from `pending: true` to accepted). The link's token is stored only as its SHA-256.
CREATE TABLE member_invitations (
    id                  bigint PRIMARY KEY DEFAULT nextval('organization_members_id_seq'),
    organization_id     bigint NOT NULL REFERENCES organizations(id),
    email               text NOT NULL,
    role                text NOT NULL CHECK (role IN ('member', 'admin', 'manager', 'owner')),
    team_slugs          text[] NOT NULL DEFAULT '{}',
    token_hash          text NOT NULL UNIQUE,
    invited_by_user_id  bigint REFERENCES users(id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    accepted_at         timestamptz,
    accepted_user_id    bigint REFERENCES users(id)
);
-- One open invitation per address and organization, whatever its case.
CREATE UNIQUE INDEX member_invitations_open_email ON member_invitations (organization_id, lower(email))
    WHERE accepted_at IS NULL;
