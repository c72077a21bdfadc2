-- 3: the keyed hash of an HTML form's single-use submission key (issue 10), so
-- that the same form sent again (Back or reload after the receipt) can never be
-- stored twice, across restarts and servers. NULL for reports from the API.
-- The backend knows a repeated form by this index's name.
ALTER TABLE reports ADD COLUMN submission_key bytea;
CREATE UNIQUE INDEX reports_by_submission_key ON reports(submission_key);
