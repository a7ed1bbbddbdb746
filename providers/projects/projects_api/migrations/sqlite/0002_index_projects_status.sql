-- The dashboard lists projects by status.
CREATE INDEX projects_status ON projects (status);
