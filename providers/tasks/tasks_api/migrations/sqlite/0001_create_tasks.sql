-- The tasks table. AUTOINCREMENT so that an id is never reused after a delete
-- (a consumer that cached task 3 must get 404, not somebody else's task).
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) >= 1),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done')),
    assignee TEXT
);
