-- Every event's verdict from the exported decision table, in DuckDB.
--   checker table --format parquet -o policy.parquet
--   duckdb < docs/table-join.sql        (events.jsonl: one scenario per line, as `checker eval` reads)
-- A class's dimensions are matched as checker classifies a strike: a territory by its code,
-- else its country's other subdivisions (CC-*), else any other country (*); an operator
-- the rules name, else *; forces by their set (absent, empty, KP+RU, ..., else other);
-- consents as the states the weapon requires that are assumed. `*` in a row: any value.
WITH policy AS (
    SELECT * FROM 'policy.parquet'
),
events AS (
    SELECT
        id,
        date AS day,
        regexp_replace(lower(weapon), '[^a-z0-9]+', '', 'g') AS weapon,
        target.kind AS kind,
        upper(target.territory) AS territory,
        upper(coalesce(operator, 'UA')) AS operator,
        CASE
            WHEN target.forces IS NULL THEN 'absent'
            WHEN len(target.forces) = 0 THEN 'empty'
            ELSE array_to_string(list_sort(list_distinct([upper(f) FOR f IN target.forces])), '+')
        END AS forces,
        list_distinct([upper(c) FOR c IN coalesce(assume.consent, [])]) AS consents
    FROM read_json(
        'events.jsonl',
        format = 'newline_delimited',
        columns = {
            id: 'VARCHAR', date: 'DATE', weapon: 'VARCHAR', operator: 'VARCHAR',
            target: 'STRUCT(territory VARCHAR, kind VARCHAR, forces VARCHAR[])',
            assume: 'STRUCT(consent VARCHAR[])'
        }
    )
),
classified AS (
    SELECT
        e.*,
        CASE
            WHEN e.territory IN (SELECT territory FROM policy) THEN e.territory
            WHEN e.territory LIKE '%-%'
                AND split_part(e.territory, '-', 1) || '-*' IN (SELECT territory FROM policy)
                THEN split_part(e.territory, '-', 1) || '-*'
            ELSE '*'
        END AS territory_class,
        CASE WHEN e.operator IN (SELECT operator FROM policy) THEN e.operator ELSE '*' END
            AS operator_class,
        CASE WHEN e.forces IN (SELECT forces FROM policy) THEN e.forces ELSE 'other' END
            AS forces_class
    FROM events AS e
)
SELECT e.id, p.verdict
FROM classified AS e
JOIN policy AS p
    ON p.weapon = e.weapon
    AND p.kind = e.kind
    AND p.territory = e.territory_class
    AND p.operator = e.operator_class
    AND e.day BETWEEN coalesce(p.date_from, DATE '0001-01-01') AND coalesce(p.date_to, DATE '9999-12-31')
    AND (p.forces = '*' OR p.forces = e.forces_class)
    AND (
        p.consents = '*'
        OR p.consents = array_to_string(
            list_sort([c FOR c IN e.consents IF list_contains(string_split(p.required, '+'), c)]),
            '+'
        )
    )
ORDER BY e.id;
