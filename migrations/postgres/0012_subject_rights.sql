-- A resident anonymised on request (PIPL art. 47) or by a retention rule: when. Their row
-- stays, so that demand statistics stay exact and timelines keep their events; what
-- named them is gone.
ALTER TABLE residents ADD COLUMN anonymised_at TIMESTAMPTZ;

-- The retention job clears the reporter's phone of demands finished long ago: it finds
-- them through this index, which holds only the demands that still keep one.
CREATE INDEX demands_phone_kept ON demands (closed_at) WHERE reporter_phone IS NOT NULL;

-- The timeline stays append-only, with one exception: the name of who acted may be
-- replaced, so that anonymising a resident keeps their events but not their name.
CREATE OR REPLACE FUNCTION demand_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'actor_name') = (to_jsonb(OLD) - 'actor_name') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'demand_events is append-only';
END;
$$;
