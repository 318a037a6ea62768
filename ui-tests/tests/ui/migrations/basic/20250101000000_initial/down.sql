DROP TABLE closure;
DROP TABLE pipeline;
DROP TABLE pipeline_type;
DROP TYPE datepartenum;
