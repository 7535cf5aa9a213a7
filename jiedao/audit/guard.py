"""The database itself refuses to rewrite the security log: UPDATE always, DELETE of a row younger
than the retention floor (180 days, 《网络安全法》第二十一条), TRUNCATE on PostgreSQL. The
application's guards are in models.py; these hold even for a raw query or a bug that bypasses them.
In production, grant the application's database role only INSERT and SELECT on this table too
(SECURITY.md)."""

from contextlib import contextmanager

SQLITE = [
    """CREATE TRIGGER audit_securityevent_no_update BEFORE UPDATE ON audit_securityevent
       BEGIN SELECT RAISE(ABORT, 'audit_securityevent is append-only'); END""",
    # Django stores UTC as 'YYYY-MM-DD HH:MM:SS[.ffffff]', which compares as text with datetime().
    """CREATE TRIGGER audit_securityevent_keep_180_days BEFORE DELETE ON audit_securityevent
       WHEN OLD.at > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit_securityevent rows are kept at least 180 days'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_securityevent_no_update",
    "DROP TRIGGER IF EXISTS audit_securityevent_keep_180_days",
]
POSTGRESQL = [
    """CREATE FUNCTION audit_securityevent_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'TRUNCATE') THEN
           RAISE EXCEPTION 'audit_securityevent is append-only';
         END IF;
         IF OLD.at > now() - interval '180 days' THEN
           RAISE EXCEPTION 'audit_securityevent rows are kept at least 180 days';
         END IF;
         RETURN OLD;
       END $$""",
    """CREATE TRIGGER audit_securityevent_guard BEFORE UPDATE OR DELETE ON audit_securityevent
       FOR EACH ROW EXECUTE FUNCTION audit_securityevent_guard()""",
    # TRUNCATE skips row triggers; refuse it as a whole.
    """CREATE TRIGGER audit_securityevent_no_truncate BEFORE TRUNCATE ON audit_securityevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_securityevent_guard()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_securityevent_no_truncate ON audit_securityevent",
    "DROP TRIGGER IF EXISTS audit_securityevent_guard ON audit_securityevent",
    "DROP FUNCTION IF EXISTS audit_securityevent_guard()",
]



STATEMENTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}
REVERSE = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}


def guard_install(connection) -> None:
    with connection.cursor() as cursor:
        for statement in STATEMENTS.get(connection.vendor, []):
            cursor.execute(statement)


def guard_remove(connection) -> None:
    with connection.cursor() as cursor:
        for statement in REVERSE.get(connection.vendor, []):
            cursor.execute(statement)


@contextmanager
def guard_lifted(connection):
    """For the test suite's database flush between transactional tests, and nothing else."""
    guard_remove(connection)
    try:
        yield
    finally:
        guard_install(connection)
