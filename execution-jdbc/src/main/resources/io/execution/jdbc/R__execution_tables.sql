-- Execution's tables on PostgreSQL 13+, version 3 (version 1 had the queue's four; 2 adds
-- executions, idempotency keys, batches and recurring calls; 3 priority levels' aging, per-key
-- start rates, the result cache and streamed results). ${execution_table_prefix} is
-- execution.jdbc.table-prefix (execution_ by default). Run by the starter when
-- execution.jdbc.initialize-schema allows it, or copy it into a Flyway or Liquibase migration.

-- One row per queued call, from its enqueue until its answer: waiting (worker null) or
-- running under a lease (worker and lease_until set). A worker claims calls with
-- FOR UPDATE SKIP LOCKED, so that two workers never take the same row.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}call (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue VARCHAR(200) NOT NULL,
    invocation_id VARCHAR(200) NOT NULL,
    request BYTEA NOT NULL,
    idempotent BOOLEAN NOT NULL,
    priority INT NOT NULL DEFAULT 0,
    fairness_key VARCHAR(200),
    requires JSONB NOT NULL DEFAULT '{}',
    due TIMESTAMPTZ NOT NULL,
    deadline TIMESTAMPTZ NOT NULL,
    caller VARCHAR(64) NOT NULL,
    worker VARCHAR(200),
    lease_until TIMESTAMPTZ,
    deliveries INT NOT NULL DEFAULT 0,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    granted BIGINT,
    created TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
-- A streamed call's grants: the chunks its caller lets the worker send (null: no limit).
ALTER TABLE ${execution_table_prefix}call ADD COLUMN IF NOT EXISTS granted BIGINT;
-- The claim: the waiting calls of a queue by priority, then in order.
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}call_waiting ON ${execution_table_prefix}call (queue, priority DESC, id) WHERE worker IS NULL;
-- The take-over: running calls whose lease ran out.
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}call_leased ON ${execution_table_prefix}call (queue, lease_until) WHERE worker IS NOT NULL;
-- The turns of fairness keys: the next waiting call of a key.
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}call_keyed ON ${execution_table_prefix}call (queue, fairness_key, id)
    WHERE worker IS NULL AND fairness_key IS NOT NULL;
-- Cancelling by invocation id.
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}call_invocation ON ${execution_table_prefix}call (invocation_id);

-- Answers waiting for their caller, which is told by NOTIFY and takes them; those of callers
-- that went away are deleted after the retention.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}reply (
    invocation_id VARCHAR(200) NOT NULL,
    caller VARCHAR(64) NOT NULL,
    result BYTEA NOT NULL,
    seq BIGINT,
    created TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
-- A chunk of a streamed result carries its number; the final answer none.
ALTER TABLE ${execution_table_prefix}reply ADD COLUMN IF NOT EXISTS seq BIGINT;
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}reply_caller ON ${execution_table_prefix}reply (caller);
-- (Its retention job reads the small table whole: version 1's index by age cost every answer a write.)
DROP INDEX IF EXISTS ${execution_table_prefix}reply_created;

-- Calls the queue gave up on (a worker stopped while running one that is not idempotent, or
-- too many deliveries), kept to be listed, requeued or deleted.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}dead_letter (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue VARCHAR(200) NOT NULL,
    invocation_id VARCHAR(200) NOT NULL,
    request BYTEA NOT NULL,
    idempotent BOOLEAN NOT NULL,
    priority INT NOT NULL,
    fairness_key VARCHAR(200),
    requires JSONB NOT NULL,
    cause VARCHAR(2000) NOT NULL,
    attempts INT NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}dead_letter_queue ON ${execution_table_prefix}dead_letter (queue, id);

-- Each queue's switches and shared counters: paused for every worker; the start-rate bucket.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}queue (
    queue VARCHAR(200) PRIMARY KEY,
    paused BOOLEAN NOT NULL DEFAULT FALSE,
    tokens DOUBLE PRECISION,
    refilled TIMESTAMPTZ
);

-- The worker registry: each worker process's description (JSON), its last heartbeat by the
-- database's clock, and what an operator asked of it (drain, resume) until its next heartbeat.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}worker (
    id VARCHAR(200) PRIMARY KEY,
    description TEXT NOT NULL,
    beat TIMESTAMPTZ NOT NULL,
    request VARCHAR(20)
);

-- Fairness keys taking turns on a queue: calls served per key in the rotation, and when the key
-- joined it (a key whose calls are all taken leaves it).
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}lane (
    queue VARCHAR(200) NOT NULL,
    fairness_key VARCHAR(200) NOT NULL,
    served BIGINT NOT NULL,
    joined BIGINT NOT NULL,
    PRIMARY KEY (queue, fairness_key)
);

-- Execution records, shared by every instance: the record as JSON (ExecutionRecord.toJson),
-- its version for optimistic changes, kept until `expires` (retention after the last change).
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}execution (
    id VARCHAR(200) PRIMARY KEY,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    status VARCHAR(20) NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    reported_at TIMESTAMPTZ,
    expires TIMESTAMPTZ NOT NULL
);
-- Listing newest first; the retention job.
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}execution_created ON ${execution_table_prefix}execution (created DESC, id);
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}execution_expires ON ${execution_table_prefix}execution (expires);

-- Idempotency keys: the execution each is tied to, for the records' retention.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}execution_key (
    key VARCHAR(1000) PRIMARY KEY,
    id VARCHAR(200) NOT NULL,
    expires TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}execution_key_expires ON ${execution_table_prefix}execution_key (expires);

-- Batches: their executions' ids in order.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}batch (
    id VARCHAR(200) PRIMARY KEY,
    executions TEXT[] NOT NULL,
    expires TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}batch_expires ON ${execution_table_prefix}batch (expires);

-- Recurring calls: the latest ticks (newest first, at most 20) and whether it is paused.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}recurring (
    name VARCHAR(200) PRIMARY KEY,
    recent TIMESTAMPTZ[] NOT NULL DEFAULT '{}',
    paused BOOLEAN NOT NULL DEFAULT FALSE
);

-- Priority levels served by aging (execution.worker.priority-aging): when each was last served
-- ahead of higher levels, stamped by the one claim that wins the period.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}level (
    queue VARCHAR(200) NOT NULL,
    priority INT NOT NULL,
    taken TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (queue, priority)
);

-- Each fairness key's start-rate bucket (execution.worker.limits.<queue>.per-key.starts); a key
-- without a row has a full one.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}key_rate (
    queue VARCHAR(200) NOT NULL,
    fairness_key VARCHAR(200) NOT NULL,
    tokens DOUBLE PRECISION NOT NULL,
    refilled TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (queue, fairness_key)
);

-- Results of @CacheResult methods shared by every instance: the result (JSON) served until
-- `expires`, and the process computing it now (`leader`) until `lead_until`.
CREATE TABLE IF NOT EXISTS ${execution_table_prefix}result (
    key TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    result BYTEA,
    expires TIMESTAMPTZ,
    leader VARCHAR(64),
    lead_until TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS ${execution_table_prefix}result_service ON ${execution_table_prefix}result (service);

CREATE TABLE IF NOT EXISTS ${execution_table_prefix}schema (
    version INT NOT NULL
);
INSERT INTO ${execution_table_prefix}schema (version) SELECT 3 WHERE NOT EXISTS (SELECT 1 FROM ${execution_table_prefix}schema);
UPDATE ${execution_table_prefix}schema SET version = 3 WHERE version < 3;
