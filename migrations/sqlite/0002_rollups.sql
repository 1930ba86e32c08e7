-- Measures at city scale: per community and calendar month, and per community and day
-- (China time) of receipt, the counts the rates are made of, kept exact in the same transaction as every change to a
-- demand, three times over (by grid, by category, by channel) so that any one of them can
-- be filtered or grouped on. Only what does not depend on the clock is kept here; what
-- does (a deadline passing on a demand nobody has answered) is counted live from the
-- small partial indexes below. `linli admin rebuild-rollups` recomputes the table.

CREATE TABLE demand_rollups (
    community_id        INTEGER NOT NULL REFERENCES communities(id),
    grain               TEXT NOT NULL CHECK (grain IN ('month','day')),
    dim                 TEXT NOT NULL CHECK (dim IN ('grid','category','channel')),
    k                   TEXT NOT NULL,
    -- Months since year 0 (year * 12 + month - 1) or days since 1970-01-01.
    bucket              INTEGER NOT NULL,
    street_id           INTEGER NOT NULL REFERENCES streets(id),
    received            INTEGER NOT NULL DEFAULT 0,
    responded           INTEGER NOT NULL DEFAULT 0,
    responded_on_time   INTEGER NOT NULL DEFAULT 0,
    rated               INTEGER NOT NULL DEFAULT 0,
    solved              INTEGER NOT NULL DEFAULT 0,
    satisfied           INTEGER NOT NULL DEFAULT 0,
    basically_satisfied INTEGER NOT NULL DEFAULT 0,
    unsatisfied         INTEGER NOT NULL DEFAULT 0,
    fed_back            INTEGER NOT NULL DEFAULT 0,
    fed_back_on_time    INTEGER NOT NULL DEFAULT 0,
    closed_unrated      INTEGER NOT NULL DEFAULT 0,
    submitted           INTEGER NOT NULL DEFAULT 0,
    accepted            INTEGER NOT NULL DEFAULT 0,
    dispatched          INTEGER NOT NULL DEFAULT 0,
    in_progress         INTEGER NOT NULL DEFAULT 0,
    resolved            INTEGER NOT NULL DEFAULT 0,
    feedback_given      INTEGER NOT NULL DEFAULT 0,
    closed              INTEGER NOT NULL DEFAULT 0,
    declined            INTEGER NOT NULL DEFAULT 0,
    merged              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, grain, dim, k, bucket)
);
CREATE INDEX demand_rollups_street ON demand_rollups (street_id, grain, dim, bucket);

-- Demands still waiting for a response / for feedback: few at any time, however long the
-- history. The readers repeat these conditions word for word, so the planner picks them;
-- the deadline is in the index, so counting the late ones never reads the table.
CREATE INDEX demands_unresponded_street ON demands (street_id, created_at, accept_due_at) WHERE responded_at IS NULL AND status <> 'merged';
CREATE INDEX demands_unresponded_community ON demands (community_id, created_at, accept_due_at) WHERE responded_at IS NULL AND status <> 'merged';
CREATE INDEX demands_unfed_street ON demands (street_id, created_at, feedback_due_at) WHERE first_feedback_at IS NULL AND status NOT IN ('merged', 'declined');
CREATE INDEX demands_unfed_community ON demands (community_id, created_at, feedback_due_at) WHERE first_feedback_at IS NULL AND status NOT IN ('merged', 'declined');

-- Deleting or re-keying a demand makes the database look for demands merged into it: an
-- index that leads with merged_into keeps that a lookup, not a scan of the table.
DROP INDEX demands_merged_into;
CREATE INDEX demands_merged_into ON demands (merged_into, community_id);
