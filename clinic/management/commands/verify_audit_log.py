"""Check the audit log's hash chain: exit 0 when intact, 1 naming the broken rows."""

from django.core.management.base import BaseCommand, CommandError

from clinic.audit import audit_log_verify


class Command(BaseCommand):
    help = (
        "Walk the audit log (who looked at which patient) from its first row and "
        "check each row's hash and its link to the row before. Prints the number "
        "of rows verified and the chain's last hash (keep it outside the database: "
        "a later run that prints another history is a rewrite); exits non-zero "
        "naming the first rows that were changed, inserted or deleted."
    )

    def handle(self, *args: object, **options: object) -> None:
        check = audit_log_verify()
        if not check.intact:
            for broken in check.breaks:
                self.stderr.write(f"Row {broken.event_id}: {broken.problem}.")
            raise CommandError(
                f"The audit log is broken ({check.count} rows read); "
                f"the first broken row is {check.breaks[0].event_id}."
            )
        self.stdout.write(
            f"{check.count} audit rows verified; the chain is intact. "
            f"Last hash: {check.head_hash or '(empty log)'}"
        )
