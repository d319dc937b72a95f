"""The audit trail of looks at patients' data: the one way to append, and the verifier.

Every page, admin page, download and export that shows a patient's data
appends an AuditEvent here: who, which clinic and patient, what, when and from
where. The rows form a hash chain: each holds the SHA-256 of the row before it
and its own over a canonical serialisation of its fields, and row ids follow
the chain (1, 2, 3 …). ``audit_log_verify`` walks the chain and names the
first rows that were changed, inserted or deleted; ``manage.py
verify_audit_log`` prints that.

An unkeyed chain cannot stop someone who rewrites every row after the one they
changed and the head too; the head hash that ``verify_audit_log`` prints is
the value to keep outside the database (a ticket, an e-mail) so such a rewrite
shows as well.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from http import HTTPStatus

from axes.helpers import get_client_ip_address
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .access import clinic_for_user
from .models import AuditChainHead, AuditEvent, Patient

# The previous hash of the first row.
GENESIS = ""
# The fields a row's hash covers, in the order they are serialised.
HASHED = (
    "id",
    "user_id",
    "clinic_id",
    "patient_id",
    "action",
    "what",
    "query",
    "at",
    "ip_address",
    "prev_hash",
)
# Rows read per round trip while verifying: memory stays flat however long the log.
VERIFY_CHUNK = 2000
# The verifier stops after this many broken rows: the first ones say where to look.
MAX_BREAKS = 10
READ_METHODS = frozenset({"GET", "HEAD"})

type Who = HttpRequest | AbstractBaseUser | AnonymousUser | None
# Whose data was looked at, and which record of theirs (None: a list, a page).
type Subject = tuple[Patient | None, Model | None]


def client_ip(request: HttpRequest) -> str | None:
    """Return the address the request came from, as django-axes reads it for lock-outs.

    One source for both, so the audit log and the login throttling name the
    same address: axes' ``get_client_ip_address`` (AXES_CLIENT_IP_CALLABLE if
    set, else REMOTE_ADDR, as django-ipware is not installed). Behind the
    proxy in front of gunicorn, REMOTE_ADDR is the proxy's address; gunicorn
    does not rewrite it from X-Forwarded-For, and ``forwarded_allow_ips``
    (gunicorn.conf.py) only lets it trust the proxy's scheme. A deployment
    that wants the client's address sets AXES_CLIENT_IP_CALLABLE once, and
    both follow. Anything that is not an IP address is stored as none.
    """
    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def audit_record(
    who: Who,
    action: AuditEvent.Action,
    *,
    patient: Patient | None = None,
    obj: Model | None = None,
    query: str = "",
) -> AuditEvent:
    """Append one event: ``who`` (a request, a user or None) looked at ``patient``.

    With a request, ``what`` is the page's path and ``from where`` its
    address; without one (a command, the export worker), ``what`` names
    ``obj``. The event's clinic is the patient's, else the user's.
    """
    return audit_record_many(who, action, subjects=[(patient, obj)], query=query)[0]


def audit_record_many(
    who: Who,
    action: AuditEvent.Action,
    *,
    subjects: Sequence[Subject],
    query: str = "",
) -> list[AuditEvent]:
    """Append one event per (patient, record) in one insert (an export of many notes).

    The chain's head is locked (SELECT … FOR UPDATE) for the append, so
    concurrent appends on PostgreSQL wait their turn and form one chain; the
    lock is held until the caller's transaction ends, so a page appends once
    it is made (``audited``), just before its transaction commits. Three
    queries however many events: the head, the insert, the head's update.
    No savepoint: the append adds nothing else to the page's
    transaction, and a failed append fails the page rather than go unrecorded.
    """
    if not subjects:
        return []
    request = who if isinstance(who, HttpRequest) else None
    user = request.user if request is not None else who
    if user is not None and not user.is_authenticated:
        user = None
    user_clinic = clinic_for_user(user=user) if user is not None else None
    ip_address = client_ip(request) if request is not None else None
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        events, prev_hash = [], head.last_hash
        for number, (patient, obj) in enumerate(subjects, start=head.last_id + 1):
            what = request.path if request is not None else _label(obj)
            row = {
                "id": number,
                "user_id": user.pk if user is not None else None,
                "clinic_id": patient.clinic_id if patient else _pk(user_clinic),
                "patient_id": patient.pk if patient else None,
                "action": action,
                "what": what[:200],
                "query": query[:200],
                "at": now,
                "ip_address": ip_address,
                "prev_hash": prev_hash,
            }
            prev_hash = event_digest(row)
            events.append(AuditEvent(**row, hash=prev_hash))
        AuditEvent.objects.bulk_create(events)
        AuditChainHead.objects.filter(pk=1).update(
            last_id=head.last_id + len(events), last_hash=prev_hash
        )
    return events


def audited[R: HttpResponse](
    response: R,
    request: HttpRequest,
    action: AuditEvent.Action,
    *,
    patient: Patient | None = None,
    query: str = "",
) -> R:
    """Record a page that shows a patient's data, once it is made; return the page.

    Only a page shown (200) to a read (GET or HEAD) is a look: a POST is an
    edit, whose page redirects when it saves and otherwise shows what the user
    just typed, and edits keep their own history (simple-history on patients,
    plans of care and payers). Written after the page is made, so the chain's
    head stays locked only until the page's transaction commits.
    """
    if request.method in READ_METHODS and response.status_code == HTTPStatus.OK:
        audit_record(request, action, patient=patient, query=query)
    return response


def audit_chain_head_ensure(
    *, using: str, apps: Apps = global_apps, **kwargs: object
) -> None:
    """Make the chain's one head row if it is missing (post_migrate).

    After ``migrate``, and after a flush (a transactional test's), like
    Django's content types (a flush sends no migration state: the models'
    own then); an append only ever locks and moves it. A migration state
    without the table (migrating back) is left alone.
    """
    try:
        head = apps.get_model("clinic", "AuditChainHead")
    except LookupError:
        return
    head.objects.using(using).get_or_create(pk=1)


@dataclass(frozen=True)
class AuditBreak:
    """A row where the chain does not hold, and what is wrong with it."""

    event_id: int
    problem: str


@dataclass(frozen=True)
class AuditCheck:
    """What the verifier found: rows read, broken rows, and the last row's hash."""

    count: int
    breaks: list[AuditBreak]
    head_hash: str

    @property
    def intact(self) -> bool:
        return not self.breaks


def audit_log_verify() -> AuditCheck:
    """Walk the chain from its first row; return the rows where it breaks.

    - a row whose fields do not give its hash was changed;
    - a row whose previous hash is not the hash of the row before it follows a
      row that was changed, inserted or deleted;
    - a jump in ids is a deleted row (or an inserted one);
    - the head naming another last row than the table's: rows deleted from
      the end, or appended around ``audit_record``.
    """
    count, breaks = 0, []
    expected_id, prev_hash = 1, GENESIS
    rows = AuditEvent.objects.order_by("pk").values(*HASHED, "hash")
    for row in rows.iterator(chunk_size=VERIFY_CHUNK):
        count += 1
        breaks.extend(_row_breaks(row, expected_id=expected_id, prev_hash=prev_hash))
        if len(breaks) >= MAX_BREAKS:
            return AuditCheck(count=count, breaks=breaks[:MAX_BREAKS], head_hash="")
        expected_id, prev_hash = row["id"] + 1, row["hash"]
    head = AuditChainHead.objects.filter(pk=1).first()
    last = (head.last_id, head.last_hash) if head else (0, GENESIS)
    if last != (expected_id - 1, prev_hash):
        breaks.append(
            AuditBreak(
                event_id=last[0],
                problem=f"the chain's head names row {last[0]} but the last row "
                f"is {expected_id - 1}, or their hashes differ: rows were deleted "
                "from the end or added around the audit service",
            )
        )
    return AuditCheck(count=count, breaks=breaks, head_hash=prev_hash)


def _row_breaks(
    row: Mapping[str, object], *, expected_id: int, prev_hash: str
) -> Iterable[AuditBreak]:
    if row["id"] != expected_id:
        yield AuditBreak(
            event_id=row["id"],
            problem=f"ids jump from {expected_id - 1} to {row['id']}: rows were "
            "deleted, or this row was inserted",
        )
    if row["prev_hash"] != prev_hash:
        yield AuditBreak(
            event_id=row["id"],
            problem="its previous hash is not the hash of the row before it: a "
            "row before it was changed, inserted or deleted",
        )
    if event_digest(row) != row["hash"]:
        yield AuditBreak(
            event_id=row["id"], problem="its fields do not match its hash: changed"
        )


def event_digest(row: Mapping[str, object]) -> str:
    """SHA-256 of the row's hashed fields as canonical JSON (sorted keys, UTC times)."""
    fields = {name: row[name] for name in HASHED}
    fields["at"] = row["at"].astimezone(UTC).isoformat(timespec="microseconds")
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _label(obj: Model | None) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.verbose_name} {getattr(obj, 'uuid', obj.pk)}"


def _pk(row: Model | None) -> int | None:
    return row.pk if row is not None else None
