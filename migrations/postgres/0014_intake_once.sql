-- A demand sent twice (a phone that retries when the answer did not come back, a form
-- submitted twice) is stored once: the client names each intake with an id it makes
-- (8–64 of A–Z, a–z, 0–9, _ and -) and the database keeps it unique. Unique across all
-- demands, not per community: the intake looks a replay up by the id alone, before the
-- place is resolved (the community is known only once the roster has answered, and the
-- street names it), and an id made at random names one send wherever it goes. Demands
-- from before, and clients that send none, have none; the index holds only those that do.
ALTER TABLE demands ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX demands_client_id ON demands (client_id) WHERE client_id IS NOT NULL;
