-- The host's own tables: its organizations and their environments (not the library's; the starter
-- creates and migrates those). Written for H2, PostgreSQL and MariaDB alike.
CREATE TABLE IF NOT EXISTS host_organization (
  id VARCHAR(64) PRIMARY KEY,
  has_edi BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS host_environment (
  organization_id VARCHAR(64) NOT NULL,
  name VARCHAR(64) NOT NULL,
  PRIMARY KEY (organization_id, name)
);
DELETE FROM host_environment;
DELETE FROM host_organization;
INSERT INTO host_organization (id, has_edi) VALUES ('acme', TRUE), ('globex', TRUE), ('initech', FALSE);
INSERT INTO host_environment (organization_id, name) VALUES
  ('acme', 'production'), ('acme', 'test'), ('globex', 'production');
