-- Linli foundation: jurisdiction tree, people, accounts, demands and their timeline.
-- Timestamps are epoch milliseconds (UTC). Every large table carries street_id and
-- community_id: the partition key when a city outgrows one database server.

CREATE TABLE streets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    district    TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    UNIQUE (city, district, name)
);

CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    street_id   INTEGER NOT NULL REFERENCES streets(id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    UNIQUE (street_id, name)
);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    username         TEXT NOT NULL UNIQUE,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('resident','grid_worker','volunteer','staff','secretary','street','unit','admin')),
    password_hash    TEXT NOT NULL,
    password_is_demo INTEGER NOT NULL DEFAULT 0,
    street_id        INTEGER REFERENCES streets(id),
    community_id     INTEGER REFERENCES communities(id),
    unit_id          INTEGER,
    resident_id      INTEGER,
    phone            TEXT,
    active           INTEGER NOT NULL DEFAULT 1,
    failed_logins    INTEGER NOT NULL DEFAULT 0,
    locked_until     INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX users_community ON users (community_id, role);
CREATE INDEX users_unit ON users (unit_id);
CREATE INDEX users_resident ON users (resident_id);

CREATE TABLE tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    token_hash    TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('session','api','web')),
    label         TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    revoked_at    INTEGER,
    last_seen_at  INTEGER
);
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX tokens_expiry ON tokens (expires_at);

CREATE TABLE compounds (
    id            INTEGER PRIMARY KEY,
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    name          TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE grids (
    id              INTEGER PRIMARY KEY,
    street_id       INTEGER NOT NULL REFERENCES streets(id),
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    name            TEXT NOT NULL,
    worker_user_id  INTEGER REFERENCES users(id),
    polygon         TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (community_id, name)
);
CREATE INDEX grids_worker ON grids (worker_user_id);

CREATE TABLE buildings (
    id            INTEGER PRIMARY KEY,
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    compound_id   INTEGER NOT NULL REFERENCES compounds(id),
    grid_id       INTEGER REFERENCES grids(id),
    name          TEXT NOT NULL,
    floors        INTEGER,
    head_resident_id INTEGER,
    created_at    INTEGER NOT NULL,
    UNIQUE (compound_id, name)
);
CREATE INDEX buildings_grid ON buildings (grid_id);
CREATE INDEX buildings_community ON buildings (community_id, id);

CREATE TABLE households (
    id            INTEGER PRIMARY KEY,
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    building_id   INTEGER NOT NULL REFERENCES buildings(id),
    unit_no       TEXT NOT NULL DEFAULT '',
    room          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (building_id, unit_no, room)
);
CREATE INDEX households_community ON households (community_id, id);

CREATE TABLE residents (
    id            INTEGER PRIMARY KEY,
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    household_id  INTEGER REFERENCES households(id),
    name          TEXT NOT NULL,
    gender        TEXT CHECK (gender IN ('male','female')),
    birth_date    TEXT,
    id_number     TEXT UNIQUE,
    phone         TEXT,
    relation      TEXT NOT NULL DEFAULT '',
    health_note   TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX residents_household ON residents (household_id);
CREATE INDEX residents_community ON residents (community_id, id);

CREATE TABLE resident_tags (
    resident_id   INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    tag           TEXT NOT NULL,
    community_id  INTEGER NOT NULL,
    PRIMARY KEY (resident_id, tag)
);
CREATE INDEX resident_tags_tag ON resident_tags (community_id, tag, resident_id);

CREATE TABLE party_branches (
    id            INTEGER PRIMARY KEY,
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    name          TEXT NOT NULL,
    secretary_user_id INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE branch_grids (
    branch_id     INTEGER NOT NULL REFERENCES party_branches(id) ON DELETE CASCADE,
    grid_id       INTEGER NOT NULL REFERENCES grids(id),
    PRIMARY KEY (branch_id, grid_id)
);

CREATE TABLE units (
    id            INTEGER PRIMARY KEY,
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER REFERENCES communities(id),
    kind          TEXT NOT NULL CHECK (kind IN ('property','gas','water','power','heating','police','owners_committee','member','other')),
    name          TEXT NOT NULL,
    phone         TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (street_id, name)
);

CREATE TABLE teams (
    id            INTEGER PRIMARY KEY,
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    kind          TEXT NOT NULL CHECK (kind IN ('volunteer','red_detachment','linkage','governance')),
    name          TEXT NOT NULL,
    leader_user_id INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    UNIQUE (community_id, name)
);

CREATE TABLE team_members (
    team_id       INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE categories (
    code          TEXT PRIMARY KEY,
    name_zh       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    accept_hours  INTEGER NOT NULL CHECK (accept_hours > 0),
    feedback_days INTEGER NOT NULL CHECK (feedback_days > 0),
    active        INTEGER NOT NULL DEFAULT 1,
    sort          INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE demands (
    id                  INTEGER PRIMARY KEY,
    street_id           INTEGER NOT NULL REFERENCES streets(id),
    community_id        INTEGER NOT NULL REFERENCES communities(id),
    grid_id             INTEGER REFERENCES grids(id),
    building_id         INTEGER REFERENCES buildings(id),
    household_id        INTEGER REFERENCES households(id),
    resident_id         INTEGER REFERENCES residents(id),
    reporter_name       TEXT NOT NULL DEFAULT '',
    reporter_phone      TEXT,
    channel             TEXT NOT NULL CHECK (channel IN ('phone','wechat','walk_in','online','visit','patrol','council','api')),
    category            TEXT REFERENCES categories(code),
    urgency             TEXT NOT NULL CHECK (urgency IN ('normal','urgent','emergency')),
    level               TEXT NOT NULL CHECK (level IN ('grid','community','street')),
    status              TEXT NOT NULL CHECK (status IN ('submitted','accepted','dispatched','in_progress','resolved','feedback_given','closed','declined','merged')),
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    location            TEXT NOT NULL DEFAULT '',
    merged_into         INTEGER REFERENCES demands(id),
    me_too              INTEGER NOT NULL DEFAULT 0,
    assignee_kind       TEXT CHECK (assignee_kind IN ('user','team','unit')),
    assignee_id         INTEGER,
    taken_by            INTEGER REFERENCES users(id),
    result              TEXT,
    decline_reason      TEXT,
    feedback_note       TEXT,
    feedback_method     TEXT,
    rating_solved       INTEGER,
    rating_satisfaction TEXT CHECK (rating_satisfaction IN ('satisfied','basically','unsatisfied')),
    rating_comment      TEXT,
    close_kind          TEXT CHECK (close_kind IN ('rated','unrated')),
    reopen_count        INTEGER NOT NULL DEFAULT 0,
    created_by          INTEGER REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    responded_at        INTEGER,
    dispatched_at       INTEGER,
    resolved_at         INTEGER,
    first_feedback_at   INTEGER,
    feedback_at         INTEGER,
    rated_at            INTEGER,
    closed_at           INTEGER,
    accept_due_at       INTEGER NOT NULL,
    feedback_due_at     INTEGER NOT NULL,
    accept_overdue_at   INTEGER,
    feedback_overdue_at INTEGER,
    rating_reminded_at  INTEGER,
    updated_at          INTEGER NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX demands_community ON demands (community_id, id);
CREATE INDEX demands_community_status ON demands (community_id, status, id);
CREATE INDEX demands_grid ON demands (grid_id, status, id);
CREATE INDEX demands_household ON demands (household_id, id);
CREATE INDEX demands_street_created ON demands (street_id, created_at);
CREATE INDEX demands_community_created ON demands (community_id, created_at);
CREATE INDEX demands_accept_due ON demands (status, accept_due_at);
CREATE INDEX demands_feedback_due ON demands (status, feedback_due_at);
CREATE INDEX demands_created_by ON demands (created_by, id);
CREATE INDEX demands_assignee ON demands (assignee_kind, assignee_id, status);
CREATE INDEX demands_community_category ON demands (community_id, category, id);
CREATE INDEX demands_community_channel ON demands (community_id, channel, id);
CREATE INDEX demands_street ON demands (street_id, id);
CREATE INDEX demands_resident ON demands (resident_id, id);
CREATE INDEX demands_awaiting_rating ON demands (status, feedback_at);
CREATE INDEX demands_merged_into ON demands (community_id, merged_into);

CREATE TABLE demand_events (
    id            INTEGER PRIMARY KEY,
    demand_id     INTEGER NOT NULL REFERENCES demands(id),
    street_id     INTEGER NOT NULL,
    community_id  INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    actor_id      INTEGER REFERENCES users(id),
    actor_name    TEXT NOT NULL,
    actor_role    TEXT NOT NULL,
    action        TEXT NOT NULL,
    from_status   TEXT,
    to_status     TEXT NOT NULL,
    level         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX demand_events_demand ON demand_events (demand_id, id);

-- The timeline is append-only: the database itself refuses edits and deletions.
CREATE TRIGGER demand_events_no_update BEFORE UPDATE ON demand_events
BEGIN SELECT RAISE(ABORT, 'demand_events is append-only'); END;
CREATE TRIGGER demand_events_no_delete BEFORE DELETE ON demand_events
BEGIN SELECT RAISE(ABORT, 'demand_events is append-only'); END;

-- Everyone a demand was ever given to: units and people keep seeing what they worked on.
CREATE TABLE demand_assignments (
    id            INTEGER PRIMARY KEY,
    demand_id     INTEGER NOT NULL REFERENCES demands(id),
    street_id     INTEGER NOT NULL,
    community_id  INTEGER NOT NULL,
    target_kind   TEXT NOT NULL CHECK (target_kind IN ('user','team','unit')),
    target_id     INTEGER NOT NULL,
    at            INTEGER NOT NULL,
    by_user       INTEGER REFERENCES users(id)
);
CREATE INDEX demand_assignments_target ON demand_assignments (target_kind, target_id, demand_id);
CREATE INDEX demand_assignments_demand ON demand_assignments (demand_id);

-- Whistle (吹哨报到): each summoned unit or person reports in, then reports back.
CREATE TABLE demand_summons (
    id                INTEGER PRIMARY KEY,
    demand_id         INTEGER NOT NULL REFERENCES demands(id),
    street_id         INTEGER NOT NULL,
    community_id      INTEGER NOT NULL,
    target_kind       TEXT NOT NULL CHECK (target_kind IN ('user','unit')),
    target_id         INTEGER NOT NULL,
    summoned_at       INTEGER NOT NULL,
    summoned_by       INTEGER REFERENCES users(id),
    reported_in_at    INTEGER,
    reported_in_by    INTEGER REFERENCES users(id),
    in_note           TEXT,
    reported_back_at  INTEGER,
    reported_back_by  INTEGER REFERENCES users(id),
    back_note         TEXT,
    UNIQUE (demand_id, target_kind, target_id)
);
CREATE INDEX demand_summons_target ON demand_summons (target_kind, target_id, demand_id);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    demand_id     INTEGER NOT NULL REFERENCES demands(id),
    street_id     INTEGER NOT NULL,
    community_id  INTEGER NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    uploaded_by   INTEGER REFERENCES users(id),
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX attachments_demand ON attachments (demand_id);

-- Leases let one of several `serve` processes run a background job at a time.
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- Who saw personal information in full, and who changed what.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    user_id       INTEGER REFERENCES users(id),
    action        TEXT NOT NULL,
    object_kind   TEXT NOT NULL,
    object_id     INTEGER,
    detail        TEXT NOT NULL DEFAULT '',
    street_id     INTEGER,
    community_id  INTEGER
);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id);
CREATE INDEX audit_log_community ON audit_log (community_id, at);

-- Demand categories with their deadlines (editable by admin). The seeds' rule: accept
-- within 24 hours, feed back within two weeks; gas and safety hazards faster.
INSERT INTO categories (code, name_zh, name_en, accept_hours, feedback_days, sort) VALUES
    ('water',             '供水',     'Water supply',          24, 14, 10),
    ('gas',               '燃气',     'Gas',                    2,  3, 20),
    ('electricity',       '供电',     'Electricity',           24, 14, 30),
    ('heating',           '供暖',     'Heating',               24,  7, 40),
    ('sanitation',        '环境卫生', 'Sanitation',            24, 14, 50),
    ('greening',          '绿化',     'Greening',              24, 14, 60),
    ('parking',           '停车',     'Parking',               24, 14, 70),
    ('property',          '物业服务', 'Property management',   24, 14, 80),
    ('public_facility',   '公共设施', 'Public facilities',     24, 14, 90),
    ('safety',            '安全隐患', 'Safety hazard',          2,  7, 100),
    ('neighbour_dispute', '邻里纠纷', 'Neighbour dispute',     24, 14, 110),
    ('elderly_care',      '为老服务', 'Elderly care',          24, 14, 120),
    ('policy',            '政策咨询', 'Policy enquiry',        24, 14, 130),
    ('other',             '其他',     'Other',                 24, 14, 900);
