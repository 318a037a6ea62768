-- Fixture for the history cases: the state after the migrations their keys describe.
CREATE TYPE datepartenum AS ENUM ('MINUTE', 'HOUR', 'DAY');

CREATE TABLE pipeline (
  id serial NOT NULL,
  name varchar(150) NOT NULL,
  input_hash varchar(20) NOT NULL,
  maintainer text,
  CONSTRAINT pipeline_pkey PRIMARY KEY (id)
);

CREATE TABLE lineage_closure (
  source_id integer NOT NULL,
  target_id integer NOT NULL,
  depth integer NOT NULL,
  lineage_path integer[] NOT NULL,
  CONSTRAINT lineage_closure_pkey PRIMARY KEY (source_id, target_id, depth)
);
