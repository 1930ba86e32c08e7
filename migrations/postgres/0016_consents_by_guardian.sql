-- The consents a resident gave as a guardian, found for the copy of everything held about
-- them (PIPL art. 45) without reading the whole table.
CREATE INDEX guardian_consents_guardian ON guardian_consents (guardian_id, id);
