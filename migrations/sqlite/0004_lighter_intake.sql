-- Every new demand is written into each index of the demands table that holds it; at city
-- scale that is most of the cost of an intake. Indexes that only ever look for demands
-- that have something (an assignee, a resident, a merge, feedback awaiting a rating) now
-- hold only those, so a new demand does not enter them; the overdue scans read the
-- partial indexes of open demands (0003) and need no index of their own.
DROP INDEX demands_accept_due;
DROP INDEX demands_feedback_due;
DROP INDEX demands_awaiting_rating;
CREATE INDEX demands_awaiting_rating ON demands (community_id, feedback_at) WHERE status = 'feedback_given';
DROP INDEX demands_merged_into;
CREATE INDEX demands_merged_into ON demands (merged_into, community_id) WHERE merged_into IS NOT NULL;
DROP INDEX demands_assignee;
CREATE INDEX demands_assignee ON demands (assignee_kind, assignee_id, status) WHERE assignee_kind IS NOT NULL;
DROP INDEX demands_resident;
CREATE INDEX demands_resident ON demands (resident_id, id) WHERE resident_id IS NOT NULL;
