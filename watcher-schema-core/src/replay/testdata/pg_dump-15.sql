--
-- PostgreSQL database dump
--

\restrict gSWy9seuEtPGBz48cDaiaSDoPyAfpYWhYlw2TcsbUha8L0XK75H1XKB9NBYDHY4

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: anomalymetricfieldenum; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.anomalymetricfieldenum AS ENUM (
    'DURATION_SECONDS',
    'INSERTS',
    'UPDATES',
    'SOFT_DELETES',
    'TOTAL_ROWS',
    'THROUGHPUT'
);


ALTER TYPE public.anomalymetricfieldenum OWNER TO postgres;

--
-- Name: datepartenum; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.datepartenum AS ENUM (
    'MINUTE',
    'HOUR',
    'DAY',
    'WEEK',
    'MONTH',
    'YEAR'
);


ALTER TYPE public.datepartenum OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: address; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.address (
    id integer NOT NULL,
    name character varying(150) NOT NULL,
    address_type_id integer NOT NULL,
    database_name character varying(50),
    schema_name character varying(50),
    table_name character varying(50),
    primary_key character varying(50),
    deprecated boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone
);


ALTER TABLE public.address OWNER TO postgres;

--
-- Name: address_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.address_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.address_id_seq OWNER TO postgres;

--
-- Name: address_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.address_id_seq OWNED BY public.address.id;


--
-- Name: address_lineage; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.address_lineage (
    id bigint NOT NULL,
    pipeline_id integer NOT NULL,
    source_address_id integer NOT NULL,
    target_address_id integer NOT NULL
);


ALTER TABLE public.address_lineage OWNER TO postgres;

--
-- Name: address_lineage_closure; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.address_lineage_closure (
    source_address_id integer NOT NULL,
    target_address_id integer NOT NULL,
    depth integer NOT NULL
);


ALTER TABLE public.address_lineage_closure OWNER TO postgres;

--
-- Name: address_lineage_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.address_lineage_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.address_lineage_id_seq OWNER TO postgres;

--
-- Name: address_lineage_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.address_lineage_id_seq OWNED BY public.address_lineage.id;


--
-- Name: address_type; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.address_type (
    id integer NOT NULL,
    name character varying(150) NOT NULL,
    group_name character varying(150) NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone
);


ALTER TABLE public.address_type OWNER TO postgres;

--
-- Name: address_type_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.address_type_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.address_type_id_seq OWNER TO postgres;

--
-- Name: address_type_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.address_type_id_seq OWNED BY public.address_type.id;


--
-- Name: anomaly_detection_result; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.anomaly_detection_result (
    pipeline_execution_id bigint NOT NULL,
    rule_id integer NOT NULL,
    violation_value numeric(12,4),
    z_score numeric(12,4),
    historical_mean numeric(12,4),
    std_deviation_value numeric(12,4),
    z_threshold numeric(12,4),
    threshold_min_value numeric(12,4),
    threshold_max_value numeric(12,4),
    context jsonb,
    detected_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


ALTER TABLE public.anomaly_detection_result OWNER TO postgres;

--
-- Name: anomaly_detection_rule; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.anomaly_detection_rule (
    id integer NOT NULL,
    pipeline_id integer NOT NULL,
    metric_field public.anomalymetricfieldenum NOT NULL,
    z_threshold numeric(4,2),
    lookback_days integer NOT NULL,
    minimum_executions integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone
);


ALTER TABLE public.anomaly_detection_rule OWNER TO postgres;

--
-- Name: anomaly_detection_rule_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.anomaly_detection_rule_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.anomaly_detection_rule_id_seq OWNER TO postgres;

--
-- Name: anomaly_detection_rule_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.anomaly_detection_rule_id_seq OWNED BY public.anomaly_detection_rule.id;


--
-- Name: freshness_pipeline_log; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.freshness_pipeline_log (
    id bigint NOT NULL,
    pipeline_id integer NOT NULL,
    last_dml_timestamp timestamp with time zone,
    evaluation_timestamp timestamp with time zone,
    freshness_number integer NOT NULL,
    freshness_datepart public.datepartenum NOT NULL,
    used_child_config boolean NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


ALTER TABLE public.freshness_pipeline_log OWNER TO postgres;

--
-- Name: freshness_pipeline_log_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.freshness_pipeline_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.freshness_pipeline_log_id_seq OWNER TO postgres;

--
-- Name: freshness_pipeline_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.freshness_pipeline_log_id_seq OWNED BY public.freshness_pipeline_log.id;


--
-- Name: pipeline; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.pipeline (
    id integer NOT NULL,
    name character varying(150) NOT NULL,
    pipeline_type_id integer NOT NULL,
    watermark character varying(50),
    next_watermark character varying(50),
    pipeline_metadata jsonb,
    last_target_insert timestamp with time zone,
    last_target_update timestamp with time zone,
    last_target_soft_delete timestamp with time zone,
    freshness_number integer,
    freshness_datepart public.datepartenum,
    mute_freshness_check boolean DEFAULT false NOT NULL,
    timeliness_number integer,
    timeliness_datepart public.datepartenum,
    mute_timeliness_check boolean DEFAULT false NOT NULL,
    load_lineage boolean DEFAULT true NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone
);


ALTER TABLE public.pipeline OWNER TO postgres;

--
-- Name: pipeline_execution; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.pipeline_execution (
    id bigint NOT NULL,
    parent_id integer,
    pipeline_id integer NOT NULL,
    start_date timestamp with time zone NOT NULL,
    date_recorded date NOT NULL,
    hour_recorded integer NOT NULL,
    end_date timestamp with time zone,
    duration_seconds integer,
    completed_successfully boolean,
    inserts integer,
    updates integer,
    soft_deletes integer,
    total_rows integer,
    full_load boolean,
    watermark character varying(50),
    next_watermark character varying(50),
    execution_metadata jsonb,
    anomaly_flags jsonb,
    throughput numeric(12,4),
    CONSTRAINT ck_check_end_after_start CHECK (((end_date IS NULL) OR (end_date > start_date))),
    CONSTRAINT ck_check_parent_not_self CHECK (((parent_id IS NULL) OR (parent_id <> id)))
);


ALTER TABLE public.pipeline_execution OWNER TO postgres;

--
-- Name: pipeline_execution_closure; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.pipeline_execution_closure (
    parent_execution_id bigint NOT NULL,
    child_execution_id bigint NOT NULL,
    depth integer NOT NULL
);


ALTER TABLE public.pipeline_execution_closure OWNER TO postgres;

--
-- Name: pipeline_execution_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.pipeline_execution_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.pipeline_execution_id_seq OWNER TO postgres;

--
-- Name: pipeline_execution_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.pipeline_execution_id_seq OWNED BY public.pipeline_execution.id;


--
-- Name: pipeline_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.pipeline_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.pipeline_id_seq OWNER TO postgres;

--
-- Name: pipeline_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.pipeline_id_seq OWNED BY public.pipeline.id;


--
-- Name: pipeline_type; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.pipeline_type (
    id integer NOT NULL,
    name character varying(150) NOT NULL,
    freshness_number integer,
    freshness_datepart public.datepartenum,
    mute_freshness_check boolean DEFAULT false NOT NULL,
    timeliness_number integer,
    timeliness_datepart public.datepartenum,
    mute_timeliness_check boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    updated_at timestamp with time zone
);


ALTER TABLE public.pipeline_type OWNER TO postgres;

--
-- Name: pipeline_type_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.pipeline_type_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.pipeline_type_id_seq OWNER TO postgres;

--
-- Name: pipeline_type_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.pipeline_type_id_seq OWNED BY public.pipeline_type.id;


--
-- Name: plus; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.plus (
    id integer NOT NULL,
    a integer NOT NULL,
    t text[] DEFAULT '{}'::text[],
    m public.datepartenum DEFAULT 'DAY'::public.datepartenum,
    u uuid,
    n numeric,
    CONSTRAINT plus_n_check CHECK ((n > (0)::numeric))
);


ALTER TABLE public.plus OWNER TO postgres;

--
-- Name: TABLE plus; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.plus IS 'it''s; a test';


--
-- Name: plus_a_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.plus ALTER COLUMN a ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.plus_a_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: plus_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.plus ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.plus_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: timeliness_pipeline_execution_log; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.timeliness_pipeline_execution_log (
    pipeline_execution_id bigint NOT NULL,
    pipeline_id integer NOT NULL,
    duration_seconds integer NOT NULL,
    seconds_threshold integer NOT NULL,
    execution_status character varying NOT NULL,
    timely_number integer NOT NULL,
    timely_datepart public.datepartenum NOT NULL,
    used_child_config boolean NOT NULL,
    created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


ALTER TABLE public.timeliness_pipeline_execution_log OWNER TO postgres;

--
-- Name: address id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address ALTER COLUMN id SET DEFAULT nextval('public.address_id_seq'::regclass);


--
-- Name: address_lineage id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_lineage ALTER COLUMN id SET DEFAULT nextval('public.address_lineage_id_seq'::regclass);


--
-- Name: address_type id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_type ALTER COLUMN id SET DEFAULT nextval('public.address_type_id_seq'::regclass);


--
-- Name: anomaly_detection_rule id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.anomaly_detection_rule ALTER COLUMN id SET DEFAULT nextval('public.anomaly_detection_rule_id_seq'::regclass);


--
-- Name: freshness_pipeline_log id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.freshness_pipeline_log ALTER COLUMN id SET DEFAULT nextval('public.freshness_pipeline_log_id_seq'::regclass);


--
-- Name: pipeline id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline ALTER COLUMN id SET DEFAULT nextval('public.pipeline_id_seq'::regclass);


--
-- Name: pipeline_execution id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline_execution ALTER COLUMN id SET DEFAULT nextval('public.pipeline_execution_id_seq'::regclass);


--
-- Name: pipeline_type id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline_type ALTER COLUMN id SET DEFAULT nextval('public.pipeline_type_id_seq'::regclass);


--
-- Name: address_lineage_closure address_lineage_closure_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_lineage_closure
    ADD CONSTRAINT address_lineage_closure_pkey PRIMARY KEY (source_address_id, target_address_id);


--
-- Name: address_lineage address_lineage_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_lineage
    ADD CONSTRAINT address_lineage_pkey PRIMARY KEY (id);


--
-- Name: address address_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address
    ADD CONSTRAINT address_pkey PRIMARY KEY (id);


--
-- Name: address_type address_type_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_type
    ADD CONSTRAINT address_type_pkey PRIMARY KEY (id);


--
-- Name: anomaly_detection_result anomaly_detection_result_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.anomaly_detection_result
    ADD CONSTRAINT anomaly_detection_result_pkey PRIMARY KEY (pipeline_execution_id, rule_id);


--
-- Name: anomaly_detection_rule anomaly_detection_rule_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.anomaly_detection_rule
    ADD CONSTRAINT anomaly_detection_rule_pkey PRIMARY KEY (id);


--
-- Name: freshness_pipeline_log freshness_pipeline_log_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.freshness_pipeline_log
    ADD CONSTRAINT freshness_pipeline_log_pkey PRIMARY KEY (id);


--
-- Name: pipeline_execution_closure pipeline_execution_closure_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline_execution_closure
    ADD CONSTRAINT pipeline_execution_closure_pkey PRIMARY KEY (parent_execution_id, child_execution_id);


--
-- Name: pipeline_execution pipeline_execution_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline_execution
    ADD CONSTRAINT pipeline_execution_pkey PRIMARY KEY (id);


--
-- Name: pipeline pipeline_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline
    ADD CONSTRAINT pipeline_pkey PRIMARY KEY (id);


--
-- Name: pipeline_type pipeline_type_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline_type
    ADD CONSTRAINT pipeline_type_pkey PRIMARY KEY (id);


--
-- Name: plus plus_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plus
    ADD CONSTRAINT plus_pkey PRIMARY KEY (id);


--
-- Name: plus plus_u_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.plus
    ADD CONSTRAINT plus_u_key UNIQUE (u);


--
-- Name: timeliness_pipeline_execution_log timeliness_pipeline_execution_log_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.timeliness_pipeline_execution_log
    ADD CONSTRAINT timeliness_pipeline_execution_log_pkey PRIMARY KEY (pipeline_execution_id);


--
-- Name: ix_address_address_type_id; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_address_address_type_id ON public.address USING btree (address_type_id);


--
-- Name: ix_address_lineage_closure_depth_source_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_address_lineage_closure_depth_source_include ON public.address_lineage_closure USING btree (source_address_id, depth) INCLUDE (target_address_id);


--
-- Name: ix_address_lineage_closure_depth_target_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_address_lineage_closure_depth_target_include ON public.address_lineage_closure USING btree (target_address_id, depth) INCLUDE (source_address_id);


--
-- Name: ix_address_lineage_pipeline_id; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_address_lineage_pipeline_id ON public.address_lineage USING btree (pipeline_id);


--
-- Name: ix_anomaly_detection_rule_pipeline_id_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_anomaly_detection_rule_pipeline_id_include ON public.anomaly_detection_rule USING btree (pipeline_id, active) INCLUDE (id);


--
-- Name: ix_pipeline_execution_closure_depth_child_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_pipeline_execution_closure_depth_child_include ON public.pipeline_execution_closure USING btree (child_execution_id, depth) INCLUDE (parent_execution_id);


--
-- Name: ix_pipeline_execution_closure_depth_parent_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_pipeline_execution_closure_depth_parent_include ON public.pipeline_execution_closure USING btree (parent_execution_id, depth) INCLUDE (child_execution_id);


--
-- Name: ix_pipeline_execution_date_recorded_seek; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_pipeline_execution_date_recorded_seek ON public.pipeline_execution USING btree (date_recorded, pipeline_id) INCLUDE (id);


--
-- Name: ix_pipeline_execution_hour_recorded; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_pipeline_execution_hour_recorded ON public.pipeline_execution USING btree (pipeline_id, hour_recorded, end_date) INCLUDE (completed_successfully, id) WHERE (end_date IS NOT NULL);


--
-- Name: ix_pipeline_execution_start_date; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_pipeline_execution_start_date ON public.pipeline_execution USING btree (start_date) INCLUDE (id);


--
-- Name: ix_pipeline_pipeline_type_id_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX ix_pipeline_pipeline_type_id_include ON public.pipeline USING btree (pipeline_type_id) INCLUDE (id);


--
-- Name: plus_lower_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX plus_lower_idx ON public.plus USING btree (lower(t[1]) DESC NULLS LAST) WHERE (m = 'DAY'::public.datepartenum);


--
-- Name: ux_address_lineage_source_target; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX ux_address_lineage_source_target ON public.address_lineage USING btree (source_address_id, target_address_id);


--
-- Name: ux_address_lineage_target_source; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX ux_address_lineage_target_source ON public.address_lineage USING btree (target_address_id, source_address_id);


--
-- Name: ux_address_name_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX ux_address_name_include ON public.address USING btree (name) INCLUDE (id);


--
-- Name: ux_address_type_name_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX ux_address_type_name_include ON public.address_type USING btree (name) INCLUDE (id);


--
-- Name: ux_anomaly_detection_rule_composite_key_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX ux_anomaly_detection_rule_composite_key_include ON public.anomaly_detection_rule USING btree (pipeline_id, metric_field) INCLUDE (id);


--
-- Name: ux_freshness_pipeline_log; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX ux_freshness_pipeline_log ON public.freshness_pipeline_log USING btree (last_dml_timestamp, pipeline_id);


--
-- Name: ux_pipeline_name_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX ux_pipeline_name_include ON public.pipeline USING btree (name) INCLUDE (load_lineage, active, id);


--
-- Name: ux_pipeline_type_name_include; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX ux_pipeline_type_name_include ON public.pipeline_type USING btree (name) INCLUDE (id);


--
-- Name: address address_address_type_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address
    ADD CONSTRAINT address_address_type_id_fkey FOREIGN KEY (address_type_id) REFERENCES public.address_type(id);


--
-- Name: address_lineage_closure address_lineage_closure_source_address_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_lineage_closure
    ADD CONSTRAINT address_lineage_closure_source_address_id_fkey FOREIGN KEY (source_address_id) REFERENCES public.address(id);


--
-- Name: address_lineage_closure address_lineage_closure_target_address_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_lineage_closure
    ADD CONSTRAINT address_lineage_closure_target_address_id_fkey FOREIGN KEY (target_address_id) REFERENCES public.address(id);


--
-- Name: address_lineage address_lineage_pipeline_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_lineage
    ADD CONSTRAINT address_lineage_pipeline_id_fkey FOREIGN KEY (pipeline_id) REFERENCES public.pipeline(id);


--
-- Name: address_lineage address_lineage_source_address_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_lineage
    ADD CONSTRAINT address_lineage_source_address_id_fkey FOREIGN KEY (source_address_id) REFERENCES public.address(id);


--
-- Name: address_lineage address_lineage_target_address_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.address_lineage
    ADD CONSTRAINT address_lineage_target_address_id_fkey FOREIGN KEY (target_address_id) REFERENCES public.address(id);


--
-- Name: anomaly_detection_result anomaly_detection_result_pipeline_execution_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.anomaly_detection_result
    ADD CONSTRAINT anomaly_detection_result_pipeline_execution_id_fkey FOREIGN KEY (pipeline_execution_id) REFERENCES public.pipeline_execution(id);


--
-- Name: anomaly_detection_result anomaly_detection_result_rule_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.anomaly_detection_result
    ADD CONSTRAINT anomaly_detection_result_rule_id_fkey FOREIGN KEY (rule_id) REFERENCES public.anomaly_detection_rule(id);


--
-- Name: anomaly_detection_rule anomaly_detection_rule_pipeline_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.anomaly_detection_rule
    ADD CONSTRAINT anomaly_detection_rule_pipeline_id_fkey FOREIGN KEY (pipeline_id) REFERENCES public.pipeline(id);


--
-- Name: freshness_pipeline_log freshness_pipeline_log_pipeline_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.freshness_pipeline_log
    ADD CONSTRAINT freshness_pipeline_log_pipeline_id_fkey FOREIGN KEY (pipeline_id) REFERENCES public.pipeline(id);


--
-- Name: pipeline_execution_closure pipeline_execution_closure_child_execution_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline_execution_closure
    ADD CONSTRAINT pipeline_execution_closure_child_execution_id_fkey FOREIGN KEY (child_execution_id) REFERENCES public.pipeline_execution(id);


--
-- Name: pipeline_execution_closure pipeline_execution_closure_parent_execution_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline_execution_closure
    ADD CONSTRAINT pipeline_execution_closure_parent_execution_id_fkey FOREIGN KEY (parent_execution_id) REFERENCES public.pipeline_execution(id);


--
-- Name: pipeline_execution pipeline_execution_pipeline_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline_execution
    ADD CONSTRAINT pipeline_execution_pipeline_id_fkey FOREIGN KEY (pipeline_id) REFERENCES public.pipeline(id);


--
-- Name: pipeline pipeline_pipeline_type_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pipeline
    ADD CONSTRAINT pipeline_pipeline_type_id_fkey FOREIGN KEY (pipeline_type_id) REFERENCES public.pipeline_type(id);


--
-- Name: timeliness_pipeline_execution_log timeliness_pipeline_execution_log_pipeline_execution_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.timeliness_pipeline_execution_log
    ADD CONSTRAINT timeliness_pipeline_execution_log_pipeline_execution_id_fkey FOREIGN KEY (pipeline_execution_id) REFERENCES public.pipeline_execution(id);


--
-- Name: timeliness_pipeline_execution_log timeliness_pipeline_execution_log_pipeline_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.timeliness_pipeline_execution_log
    ADD CONSTRAINT timeliness_pipeline_execution_log_pipeline_id_fkey FOREIGN KEY (pipeline_id) REFERENCES public.pipeline(id);


--
-- PostgreSQL database dump complete
--

\unrestrict gSWy9seuEtPGBz48cDaiaSDoPyAfpYWhYlw2TcsbUha8L0XK75H1XKB9NBYDHY4

