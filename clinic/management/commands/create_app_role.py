"""Create the least-privilege PostgreSQL role the app runs as in production."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from psycopg import sql


class Command(BaseCommand):
    help = (
        "Create (or refresh the grants of) a PostgreSQL login role that may only "
        "read and write rows: no TRUNCATE, no trigger, table or schema changes. "
        "Run it as the database owner after `migrate`; the app then connects as "
        "this role, so the signed-record triggers cannot be switched off or "
        "dropped from the app's connection. The audit log is insert-only for it: "
        "no UPDATE, DELETE or TRUNCATE of its rows, and its chain head may be "
        "moved but not deleted. Migrations keep running as the owner."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default="perfnote_app")
        parser.add_argument(
            "--password", help="the role's password (omit for an existing role)"
        )

    def handle(
        self, *args: object, role: str, password: str | None, **options: object
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Roles exist on PostgreSQL only; this is SQLite.")
        name = sql.Identifier(role)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                if not password:
                    raise CommandError(f"Role {role} does not exist: give --password.")
                cursor.execute(
                    sql.SQL(
                        "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                        "NOBYPASSRLS PASSWORD {}"
                    ).format(name, sql.Literal(password))
                )
            database = sql.Identifier(connection.settings_dict["NAME"])
            for statement in (
                "GRANT CONNECT ON DATABASE {database} TO {role}",
                "GRANT USAGE ON SCHEMA public TO {role}",
                "REVOKE CREATE ON SCHEMA public FROM {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                "TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                # Tables a later migration creates get the same rights.
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, "
                "UPDATE, DELETE ON TABLES TO {role}",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON "
                "SEQUENCES TO {role}",
                # The audit log is appended, never rewritten (its triggers say
                # the same); the head is moved by each append, never removed.
                "REVOKE UPDATE, DELETE, TRUNCATE ON clinic_auditevent FROM {role}",
                "REVOKE DELETE, TRUNCATE ON clinic_auditchainhead FROM {role}",
            ):
                cursor.execute(sql.SQL(statement).format(database=database, role=name))
        self.stdout.write(
            f"Role {role} may read and write rows only. Point the app's "
            "DATABASE_URL at it; run migrations with the owner's."
        )
