-- The resident list's filters (issue 13): every one has its index. Tags, grids, buildings
-- and compounds had theirs (resident_tags_tag, buildings_grid, households' and buildings'
-- unique keys); the age band reads birth dates within a community.
CREATE INDEX residents_birth ON residents (community_id, birth_date);
