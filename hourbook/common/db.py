"""Database expressions that work the same on SQLite and PostgreSQL."""

from django.db.models import Func, IntegerField


class InclusiveDays(Func):
    """(end - start) + 1 in whole days, for CHECK constraints and queries on both databases."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(julianday(%(expressions)s) AS INTEGER) + 1)",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="((%(expressions)s) + 1)", arg_joiner=" - ", **extra_context
        )

    def as_sql(self, compiler, connection, **extra_context):  # other backends: same as PostgreSQL
        extra_context.setdefault("template", "((%(expressions)s) + 1)")
        extra_context.setdefault("arg_joiner", " - ")
        return super().as_sql(compiler, connection, **extra_context)
