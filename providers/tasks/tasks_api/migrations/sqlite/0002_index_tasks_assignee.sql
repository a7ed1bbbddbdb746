-- The notifier looks tasks up by assignee.
CREATE INDEX tasks_assignee ON tasks (assignee);
