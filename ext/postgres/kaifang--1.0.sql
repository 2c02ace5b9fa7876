-- Kaifang 1.0 (docs/sql.md). Every function reads its question through the
-- library's one reader (kf_question_read) and answers with the library's views.
\echo Use "CREATE EXTENSION kaifang" to load this file. \quit

-- The decision JSON `kaifang decide --json` prints for the same question, as
-- jsonb. NULL service, region, date, investor or outside_zones give NULL; a
-- NULL foreign_share means "no share given" (the answer is the maximum).
-- STABLE, not IMMUTABLE: the answer depends on the setting kaifang.rulebook.
CREATE FUNCTION kf_decide(service text, region text, date date,
                          investor text DEFAULT 'foreign',
                          foreign_share numeric DEFAULT NULL,
                          outside_zones boolean DEFAULT false)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'kfpg_decide'
LANGUAGE C STABLE PARALLEL SAFE COST 50;

-- The same decision JSON as text, byte for byte the library's (jsonb orders
-- keys and spaces its own way).
CREATE FUNCTION kf_decide_text(service text, region text, date date,
                               investor text DEFAULT 'foreign',
                               foreign_share numeric DEFAULT NULL,
                               outside_zones boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'kfpg_decide_text'
LANGUAGE C STABLE PARALLEL SAFE COST 50;

-- The outcome alone: permitted, exceeds_cap, prohibited, closed,
-- indeterminate or not_covered (the decision JSON's "outcome").
CREATE FUNCTION kf_outcome(service text, region text, date date,
                           investor text DEFAULT 'foreign',
                           foreign_share numeric DEFAULT NULL,
                           outside_zones boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'kfpg_outcome'
LANGUAGE C STABLE PARALLEL SAFE COST 5;

-- The maximum foreign share in percent, as the decision JSON's
-- max_foreign_share: 0 when prohibited or closed, the binding cap, or NULL
-- when no cap binds or the answer depends on a zone.
CREATE FUNCTION kf_max_foreign_share(service text, region text, date date,
                                     investor text DEFAULT 'foreign',
                                     outside_zones boolean DEFAULT false)
RETURNS numeric
AS 'MODULE_PATHNAME', 'kfpg_max_foreign_share'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 5;

-- The rulebook in use: its id, edition and content SHA-256 (a stored answer
-- carries the same three in its "rulebook" member, so it can be replayed).
CREATE FUNCTION kf_rulebook(OUT id text, OUT edition text, OUT sha256 text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'kfpg_rulebook'
LANGUAGE C STABLE PARALLEL SAFE ROWS 1;

-- Pinned forms for shards: the first argument is the SHA-256 of the rulebook
-- the answer must come from; another rulebook is an error, so the answer is a
-- function of the arguments alone and the functions are IMMUTABLE, which is
-- what postgres_fdw requires before it sends a function to a remote server.
CREATE FUNCTION kf_outcome_pinned(rulebook_sha256 text, service text, region text, date date,
                                  investor text DEFAULT 'foreign',
                                  foreign_share numeric DEFAULT NULL,
                                  outside_zones boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'kfpg_outcome_pinned'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 5;

CREATE FUNCTION kf_decide_pinned(rulebook_sha256 text, service text, region text, date date,
                                 investor text DEFAULT 'foreign',
                                 foreign_share numeric DEFAULT NULL,
                                 outside_zones boolean DEFAULT false)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'kfpg_decide_pinned'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 50;
