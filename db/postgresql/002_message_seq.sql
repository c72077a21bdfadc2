-- 2: a message's number within its report, bound into its box's associated
-- data together with the sender; messages stored before keep NULL.
ALTER TABLE messages ADD COLUMN seq integer;
CREATE UNIQUE INDEX messages_by_seq ON messages(report_ref, seq);
