DROP TABLE reading;
DROP TYPE datepartenum;
