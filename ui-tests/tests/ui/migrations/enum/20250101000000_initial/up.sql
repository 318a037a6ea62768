CREATE TYPE datepartenum AS ENUM ('MINUTE', 'HOUR', 'DAY');

CREATE TABLE reading (
  id serial PRIMARY KEY,
  part datepartenum
);
