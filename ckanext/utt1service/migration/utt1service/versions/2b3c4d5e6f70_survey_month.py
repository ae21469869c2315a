"""Satisfaction figures kept per Bangkok month and organization (issue 20)

Revision ID: 2b3c4d5e6f70
Revises: 1a2b3c4d5e6f
Create Date: 2026-12-01 02:45:00

``utt1service_report_survey_month`` holds, per Bangkok month of ``created``
and organization ('' for responses about the service in general): how many
responses, how many wrote a suggestion, and for each of the five items how
many rated it 3, 2 and 1. Statement-level triggers on
``utt1service_survey_response`` keep it equal to grouping the responses (an
insert adds, a delete takes away, an update does both, a truncate empties),
as the download counts are kept (``common/counting.py``). The report reads
a few hundred rows a year instead of every response: at 10 million download
events (500,000 responses) grouping the responses of two years took about
a quarter of a second. A report period is a whole number of Bangkok months,
so the sums are exact. Filled from the existing responses here.

A partial index on ``created`` of the responses with a suggestion serves the
list of the period's suggestions (about one response in twenty).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2b3c4d5e6f70"
down_revision = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None

TABLE = "utt1service_report_survey_month"
SOURCE = "utt1service_survey_response"
FUNCTION = "utt1service_report_count_surveys"
ITEMS = ("staff_courtesy", "staff_reception", "search_speed", "data_match", "data_quality")
COUNTS = ["responses", "suggestions"] + [f"{item}_{rating}" for item in ITEMS for rating in (3, 2, 1)]
SUGGESTIONS_INDEX = "utt1service_survey_response_suggestion_idx"
HAS_SUGGESTION = sa.text("btrim(coalesce(suggestion, '')) <> ''")
MONTH = "date_trunc('month', created AT TIME ZONE 'Asia/Bangkok')::date"


def _delta(rows: str, sign: int) -> str:
    """Per month and organization, the counts of a set of responses."""
    parts = [f"{sign} * count(*)",
             f"{sign} * count(*) FILTER (WHERE btrim(coalesce(suggestion, '')) <> '')"]
    parts += [f"{sign} * count(*) FILTER (WHERE {item} = {rating})"
              for item in ITEMS for rating in (3, 2, 1)]
    columns = ", ".join(f"{p} AS {c}" for p, c in zip(parts, COUNTS))
    return f"SELECT {MONTH} AS month, coalesce(owner_org, '') AS owner_org, {columns} FROM {rows} GROUP BY 1, 2"


def _apply(delta: str) -> str:
    sums = ", ".join(f"sum({c})" for c in COUNTS)
    add = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c in COUNTS)
    return (f"INSERT INTO {TABLE} AS t (month, owner_org, {', '.join(COUNTS)}) "
            f"SELECT month, owner_org, {sums} FROM ({delta}) d GROUP BY 1, 2 ORDER BY 1, 2 "
            f"ON CONFLICT (month, owner_org) DO UPDATE SET {add};")


BODY = f"""
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_apply(_delta('new_rows', 1))}
  ELSIF TG_OP = 'UPDATE' THEN
    {_apply(_delta('new_rows', 1) + ' UNION ALL ' + _delta('old_rows', -1))}
  ELSIF TG_OP = 'DELETE' THEN
    {_apply(_delta('old_rows', -1))}
  ELSE
    TRUNCATE {TABLE};
  END IF;
  RETURN NULL;
END
"""
TRIGGERS = (
    ("insert", "AFTER INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("update", "AFTER UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("delete", "AFTER DELETE", "REFERENCING OLD TABLE AS old_rows"),
    ("truncate", "AFTER TRUNCATE", ""),
)


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("month", sa.Date, primary_key=True),
        sa.Column("owner_org", sa.Text, primary_key=True),
        *(sa.Column(c, sa.BigInteger, nullable=False, server_default="0") for c in COUNTS),
    )
    op.execute(f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $fn${BODY}$fn$")
    for name, when, referencing in TRIGGERS:
        op.execute(f"CREATE TRIGGER {FUNCTION}_{name} {when} ON {SOURCE} {referencing} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()")
    op.execute(f"INSERT INTO {TABLE} (month, owner_org, {', '.join(COUNTS)}) {_delta(SOURCE, 1)}")
    # the list of the period's suggestions reads only the responses with one
    op.create_index(SUGGESTIONS_INDEX, SOURCE, ["created"], postgresql_where=HAS_SUGGESTION)


def downgrade():
    op.drop_index(SUGGESTIONS_INDEX, table_name=SOURCE)
    for name, _when, _referencing in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {FUNCTION}_{name} ON {SOURCE}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.drop_table(TABLE)
