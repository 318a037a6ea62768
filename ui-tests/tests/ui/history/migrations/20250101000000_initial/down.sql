DROP TABLE lineage_closure;
DROP TABLE pipeline;
DROP TYPE datepartenum;
