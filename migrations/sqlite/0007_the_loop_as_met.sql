-- The loop as people meet it (issue 13).

-- What the visit must know about the resident, copied from the roster at intake
-- (space-separated tags: elderly_alone, limited_mobility), so the job keeps saying it
-- even when the roster changes later.
ALTER TABLE demands ADD COLUMN visit_flags TEXT NOT NULL DEFAULT '';
-- The caller asked not to be named: said explicitly at the counter, never assumed.
ALTER TABLE demands ADD COLUMN anonymous BOOLEAN NOT NULL DEFAULT FALSE;
-- When the assignee will come (预约上门), as the resident sees it.
ALTER TABLE demands ADD COLUMN appointment_at INTEGER;
-- How a rating recorded by staff on the resident's behalf (回访) reached them; NULL when
-- the resident rated it themselves.
ALTER TABLE demands ADD COLUMN rating_method TEXT;
