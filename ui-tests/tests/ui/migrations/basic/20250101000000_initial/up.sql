-- Fixture for the ui cases; the real chain is generated, this one is test data.
CREATE TYPE datepartenum AS ENUM ('MINUTE', 'HOUR', 'DAY');

CREATE TABLE pipeline_type (
  id serial NOT NULL,
  name varchar(150) NOT NULL,
  CONSTRAINT pipeline_type_pkey PRIMARY KEY (id)
);

CREATE TABLE pipeline (
  id serial NOT NULL,
  name varchar(150) NOT NULL,
  pipeline_type_id integer NOT NULL,
  freshness_datepart datepartenum,
  parts datepartenum[] NOT NULL,
  pipeline_metadata jsonb,
  throughput numeric(12,4),
  tags text[],
  active boolean NOT NULL DEFAULT true,
  created_at timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
  day date,
  "type" text,
  CONSTRAINT pipeline_pkey PRIMARY KEY (id),
  CONSTRAINT ck_name CHECK (name <> '')
);

ALTER TABLE pipeline ADD CONSTRAINT pipeline_pipeline_type_id_fkey FOREIGN KEY (pipeline_type_id) REFERENCES pipeline_type (id);
CREATE UNIQUE INDEX ux_pipeline_name_include ON pipeline USING btree (name) INCLUDE (active, id);

CREATE TABLE closure (
  parent_id integer NOT NULL,
  child_id integer NOT NULL,
  depth integer NOT NULL,
  CONSTRAINT closure_pkey PRIMARY KEY (parent_id, child_id)
);
ALTER TABLE closure ADD CONSTRAINT closure_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES pipeline (id);
ALTER TABLE closure ADD CONSTRAINT closure_child_id_fkey FOREIGN KEY (child_id) REFERENCES pipeline (id);
