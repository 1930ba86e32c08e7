-- Councils (议事会) and linkage teams (五方联动), their meetings, the three lists (topics
-- raised, put on an agenda, decided), votes, decisions and their follow-through (issue 15).
--
-- A secret ballot keeps no link from a vote to its voter: `topic_ballots` says only *that*
-- a person or household voted (its key is what makes a second vote impossible), and the
-- choice goes into the counters of `topic_options` and `council_topics.abstentions`, in
-- the same transaction. An open ballot keeps the choice on its row as well.

CREATE TABLE councils (
    id                INTEGER PRIMARY KEY,
    street_id         INTEGER NOT NULL REFERENCES streets(id),
    community_id      INTEGER NOT NULL REFERENCES communities(id),
    grid_id           INTEGER REFERENCES grids(id),
    kind              TEXT NOT NULL CHECK (kind IN ('council','linkage_team')),
    name              TEXT NOT NULL,
    chair_user_id     INTEGER REFERENCES users(id),
    recurrence        TEXT,
    first_starts_at   INTEGER,
    duration_minutes  INTEGER NOT NULL DEFAULT 60 CHECK (duration_minutes BETWEEN 5 AND 1440),
    location          TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (community_id, name)
);
CREATE INDEX councils_community ON councils (community_id, id);
CREATE INDEX councils_grid ON councils (grid_id) WHERE grid_id IS NOT NULL;
CREATE INDEX councils_chair ON councils (chair_user_id) WHERE chair_user_id IS NOT NULL;

-- A member is a resident, an account (staff, a grid worker, a unit's person) or a unit.
CREATE TABLE council_members (
    id            INTEGER PRIMARY KEY,
    council_id    INTEGER NOT NULL REFERENCES councils(id),
    kind          TEXT NOT NULL CHECK (kind IN ('resident','staff','unit')),
    resident_id   INTEGER REFERENCES residents(id),
    user_id       INTEGER REFERENCES users(id),
    unit_id       INTEGER REFERENCES units(id),
    role          TEXT NOT NULL DEFAULT '',
    added_at      INTEGER NOT NULL,
    CHECK ((kind = 'resident') = (resident_id IS NOT NULL)
       AND (kind = 'staff') = (user_id IS NOT NULL)
       AND (kind = 'unit') = (unit_id IS NOT NULL)),
    UNIQUE (council_id, resident_id),
    UNIQUE (council_id, user_id),
    UNIQUE (council_id, unit_id)
);
CREATE INDEX council_members_resident ON council_members (resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX council_members_user ON council_members (user_id) WHERE user_id IS NOT NULL;

-- A meeting, from the council's schedule (one per start: made again, it is not doubled)
-- or called ad hoc.
CREATE TABLE council_meetings (
    id            INTEGER PRIMARY KEY,
    council_id    INTEGER NOT NULL REFERENCES councils(id),
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    location      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('scheduled','in_session','closed','cancelled')),
    minutes       TEXT NOT NULL DEFAULT '',
    members       INTEGER NOT NULL DEFAULT 0,
    present       INTEGER NOT NULL DEFAULT 0,
    sequence      INTEGER NOT NULL DEFAULT 0,
    opened_at     INTEGER,
    closed_at     INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (council_id, starts_at),
    CHECK (ends_at > starts_at)
);
CREATE INDEX council_meetings_community ON council_meetings (community_id, starts_at);
CREATE INDEX council_meetings_council ON council_meetings (council_id, starts_at);

-- Who of the membership came; `members` and `present` on the meeting are kept with it.
CREATE TABLE meeting_attendance (
    meeting_id    INTEGER NOT NULL REFERENCES council_meetings(id),
    member_id     INTEGER NOT NULL REFERENCES council_members(id),
    recorded_at   INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);

-- A topic: raised (the demand list), put on a meeting's agenda (the negotiation list),
-- and decided or not (the results list).
CREATE TABLE council_topics (
    id                 INTEGER PRIMARY KEY,
    council_id         INTEGER NOT NULL REFERENCES councils(id),
    street_id          INTEGER NOT NULL REFERENCES streets(id),
    community_id       INTEGER NOT NULL REFERENCES communities(id),
    title              TEXT NOT NULL,
    body               TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL CHECK (source IN ('portal','staff','demand')),
    raised_by          INTEGER REFERENCES users(id),
    raised_by_resident INTEGER REFERENCES residents(id),
    demand_id          INTEGER REFERENCES demands(id),
    meeting_id         INTEGER REFERENCES council_meetings(id),
    status             TEXT NOT NULL CHECK (status IN
                         ('raised','on_agenda','decided','rejected','tied','no_quorum','withdrawn')),
    vote_unit          TEXT NOT NULL CHECK (vote_unit IN ('person','household')),
    ballot             TEXT NOT NULL CHECK (ballot IN ('open','secret')),
    majority           TEXT NOT NULL,
    base               TEXT NOT NULL CHECK (base IN ('cast','ballots','present','members')),
    tie                TEXT NOT NULL CHECK (tie IN ('chair_casts','status_quo','undecided')),
    quorum             TEXT NOT NULL DEFAULT 'half',
    abstentions        INTEGER NOT NULL DEFAULT 0,
    client_id          TEXT UNIQUE,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX council_topics_council ON council_topics (council_id, id);
CREATE INDEX council_topics_community ON council_topics (community_id, status, id);
CREATE INDEX council_topics_meeting ON council_topics (meeting_id) WHERE meeting_id IS NOT NULL;
CREATE INDEX council_topics_demand ON council_topics (demand_id) WHERE demand_id IS NOT NULL;
CREATE INDEX council_topics_resident ON council_topics (raised_by_resident)
    WHERE raised_by_resident IS NOT NULL;

CREATE TABLE topic_options (
    id         INTEGER PRIMARY KEY,
    topic_id   INTEGER NOT NULL REFERENCES council_topics(id),
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    votes      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (topic_id, position)
);

-- That a person (`person:<resident>`) or a household (`household:<id>`) voted on a topic,
-- once. `option_id` and `abstain` are filled for an open ballot only.
CREATE TABLE topic_ballots (
    topic_id     INTEGER NOT NULL REFERENCES council_topics(id),
    voter_key    TEXT NOT NULL,
    option_id    INTEGER REFERENCES topic_options(id),
    abstain      INTEGER,
    voter_id     INTEGER REFERENCES residents(id),
    PRIMARY KEY (topic_id, voter_key)
);

-- What a meeting decided on a topic (or that it could not: no quorum, no majority, a tie).
CREATE TABLE council_decisions (
    id            INTEGER PRIMARY KEY,
    topic_id      INTEGER NOT NULL UNIQUE REFERENCES council_topics(id),
    meeting_id    INTEGER NOT NULL REFERENCES council_meetings(id),
    council_id    INTEGER NOT NULL REFERENCES councils(id),
    street_id     INTEGER NOT NULL REFERENCES streets(id),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    outcome       TEXT NOT NULL CHECK (outcome IN ('decided','rejected','tied','no_quorum')),
    option_id     INTEGER REFERENCES topic_options(id),
    tally         TEXT NOT NULL DEFAULT '{}',
    terms         TEXT NOT NULL DEFAULT '',
    terms_kind    TEXT CHECK (terms_kind IN ('temporary','permanent')),
    terms_until   TEXT,
    decided_at    INTEGER NOT NULL,
    decided_by    INTEGER REFERENCES users(id),
    published_at  INTEGER
);
CREATE INDEX council_decisions_community ON council_decisions (community_id, decided_at);
CREATE INDEX council_decisions_council ON council_decisions (council_id, id);

-- Follow-through: an item per decision (and its children), with an owner, a due day,
-- progress and dated milestones, until done.
CREATE TABLE follow_items (
    id             INTEGER PRIMARY KEY,
    decision_id    INTEGER NOT NULL REFERENCES council_decisions(id),
    parent_id      INTEGER REFERENCES follow_items(id),
    street_id      INTEGER NOT NULL REFERENCES streets(id),
    community_id   INTEGER NOT NULL REFERENCES communities(id),
    title          TEXT NOT NULL,
    owner_user_id  INTEGER REFERENCES users(id),
    owner_unit_id  INTEGER REFERENCES units(id),
    due_on         TEXT NOT NULL,
    progress       INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    status         TEXT NOT NULL CHECK (status IN ('planned','in_progress','done','cancelled')),
    demand_id      INTEGER REFERENCES demands(id),
    done_at        INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX follow_items_decision ON follow_items (decision_id, id);
CREATE INDEX follow_items_open ON follow_items (community_id, due_on)
    WHERE status IN ('planned','in_progress');

CREATE TABLE follow_milestones (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES follow_items(id),
    at         INTEGER NOT NULL,
    progress   INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    note       TEXT NOT NULL DEFAULT '',
    by_user_id INTEGER REFERENCES users(id)
);
CREATE INDEX follow_milestones_item ON follow_milestones (item_id, id);
