-- Overdue work: open demands by deadline, per community. Partial, so they hold only the
-- open demands, however long the history grows; the overdue lists repeat the conditions.
-- They carry the id, so the overdue subqueries are index-only scans.
CREATE INDEX demands_open_feedback_due ON demands (community_id, feedback_due_at) INCLUDE (id) WHERE status IN ('submitted', 'accepted', 'dispatched', 'in_progress', 'resolved');
CREATE INDEX demands_open_accept_due ON demands (community_id, accept_due_at) INCLUDE (id) WHERE status = 'submitted';
-- The same per grid, for grid workers' overdue lists.
CREATE INDEX demands_open_feedback_due_grid ON demands (grid_id, feedback_due_at) INCLUDE (id) WHERE status IN ('submitted', 'accepted', 'dispatched', 'in_progress', 'resolved');
CREATE INDEX demands_open_accept_due_grid ON demands (grid_id, accept_due_at) INCLUDE (id) WHERE status = 'submitted';
