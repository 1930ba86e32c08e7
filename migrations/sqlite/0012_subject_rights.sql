-- A resident anonymised on request (PIPL art. 47) or by a retention rule: when. Their row
-- stays, so that demand statistics stay exact and timelines keep their events; what
-- named them is gone.
ALTER TABLE residents ADD COLUMN anonymised_at INTEGER;

-- The retention job clears the reporter's phone of demands finished long ago: it finds
-- them through this index, which holds only the demands that still keep one.
CREATE INDEX demands_phone_kept ON demands (closed_at) WHERE reporter_phone IS NOT NULL;

-- The timeline stays append-only, with one exception: the name of who acted may be
-- replaced, so that anonymising a resident keeps their events but not their name.
DROP TRIGGER demand_events_no_update;
CREATE TRIGGER demand_events_no_update BEFORE UPDATE OF id, demand_id, street_id,
    community_id, at, actor_id, actor_role, action, from_status, to_status, level, note,
    data ON demand_events
BEGIN SELECT RAISE(ABORT, 'demand_events is append-only'); END;
