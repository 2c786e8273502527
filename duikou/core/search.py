"""Substring search over names, kept fast on PostgreSQL at national scale.

Officials search for 医, 医院 or 阿克苏 and expect every name that contains it. Chinese
has no spaces between words, so word-based full-text search (``tsvector``) finds nothing
without a word segmenter, and ``pg_trgm`` gives up on words shorter than three characters
(most Chinese search words) and ignores CJK characters under the ``C`` locale. So the
large tables carry their own GIN index over the one- and two-character pieces ("grams")
of the searched columns, lower-cased: ``duikou_grams(name, code)``. A search for a word
asks for the rows whose pieces include all of the word's two-character pieces (or its
one character), which the index answers from a few posting lists, and ``LIKE`` then
rechecks those rows, so the result is exactly what ``icontains`` would give.

Both SQL functions are immutable and depend on no locale or extension, so the index
means the same on every PostgreSQL. SQLite (demo and tests) has no such index and
matches with ``LIKE`` alone, which is quick at that size.

``GRAM_INDEXES`` names the indexed columns per model; a migration creates each index
with ``gram_index_create`` over the same columns. A search over a subset of a model's
indexed columns uses it.
"""

from django.db import connection
from django.db.models import BooleanField, Expression, F, Q, TextField, Value

# model label -> the columns ``duikou_grams`` reads, in this order
GRAM_INDEXES: dict[str, tuple[str, ...]] = {
    "projects.project": ("name", "code"),
    "results.value": ("comment",),
}

# The pieces of a text: every character and every pair of neighbouring characters of the
# parts joined by a space, lower-cased; NULL parts are skipped. The high cost tells the
# planner that computing it row by row is dear: it then reads the index, and where it must
# recheck a row it runs the cheap LIKE first. The text is split into characters once and
# walked in order (``substr`` at each position would make long texts quadratic).
GRAMS_SQL = r"""
CREATE OR REPLACE FUNCTION duikou_grams(VARIADIC parts text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
    SELECT coalesce(array_agg(DISTINCT g) FILTER (WHERE g IS NOT NULL), '{}')
    FROM (
        SELECT ch, ch || lead(ch) OVER (ORDER BY n) AS pair
        FROM unnest(string_to_array(lower(array_to_string(parts, ' ')), NULL))
             WITH ORDINALITY AS u(ch, n)
    ) AS chars,
    LATERAL (VALUES (ch), (pair)) AS piece(g)
$$
"""

# What a search word must find among a row's pieces: its pairs, or its one character.
QUERY_GRAMS_SQL = r"""
CREATE OR REPLACE FUNCTION duikou_query_grams(word text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN length(w) < 2 THEN ARRAY[w]
           ELSE ARRAY(SELECT DISTINCT substr(w, i, 2) FROM generate_series(1, length(w) - 1) i)
           END
    FROM lower(word) AS w
$$
"""


def gram_index_create(schema_editor, model, name: str, columns: tuple[str, ...]) -> None:
    """Create the functions and a gram index over ``columns`` of ``model`` (PostgreSQL only;
    for migrations, which name the columns themselves so they stay as they were written)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    columns = ", ".join(q(column) for column in columns)
    schema_editor.execute(GRAMS_SQL)
    schema_editor.execute(QUERY_GRAMS_SQL)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {q(name)} ON {q(model._meta.db_table)}"
        f" USING gin (duikou_grams({columns}))"
    )


def gram_index_drop(schema_editor, name: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class HasGrams(Expression):
    """``duikou_grams(columns…) @> duikou_query_grams(word)``: true for every row whose
    indexed columns contain ``word`` (and for a few that do not, so ``LIKE`` rechecks)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns: tuple[str, ...], word: str):
        super().__init__()
        self.columns = [F(column) for column in columns]
        self.word = Value(word, output_field=TextField())

    def get_source_expressions(self):
        return [*self.columns, self.word]

    def set_source_expressions(self, expressions):
        *self.columns, self.word = expressions

    def resolve_expression(self, *args, **kwargs):
        resolved = super().resolve_expression(*args, **kwargs)
        resolved.set_source_expressions(
            [e.resolve_expression(*args, **kwargs) for e in resolved.get_source_expressions()]
        )
        return resolved

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for column in self.columns:
            sql, column_params = compiler.compile(column)
            parts.append(sql)
            params.extend(column_params)
        word_sql, word_params = compiler.compile(self.word)
        sql = f"duikou_grams({', '.join(parts)}) @> duikou_query_grams({word_sql})"
        return sql, [*params, *word_params]


def text_match(model, fields, word: str) -> Q:
    """Rows of ``model`` where any of ``fields`` contains ``word``, letter case ignored."""
    # Words without letter case (Chinese, digits) need no case folding: PostgreSQL then
    # skips UPPER() on every row it rechecks.
    lookup = "icontains" if word.lower() != word.upper() else "contains"
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__{lookup}": word})
    indexed = GRAM_INDEXES.get(model._meta.label_lower)
    if indexed and set(fields) <= set(indexed) and connection.vendor == "postgresql":
        condition = Q(HasGrams(indexed, word)) & condition
    return condition
