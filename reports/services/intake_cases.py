"""The case a report opens or joins: the open case on its subject and category, locked, or a
new one, in one statement where it can (see `join_or_open_case`)."""

from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import User
from reports.models import Case, CaseStatus, Category, Content, Reason
from reports.models.choices import OPEN_CASE_STATUSES
from reports.services.collapse import decided_case_to_join


def _open_case_for_update(
    *, category: Category, subject: User, content: Content | None
) -> Case | None:
    return (
        Case.objects.select_for_update()
        .filter(category=category, subject=subject, content=content, status__in=OPEN_CASE_STATUSES)
        .first()
    )


def _new_case(
    *,
    category: Category,
    subject: User,
    content: Content | None,
    reason: Reason | None,
    reporter: User | None,
    now: datetime,
) -> Case:
    """The case a first report opens, not yet written, already counting that report."""
    sla = reason.effective_sla if reason else category.sla
    return Case(
        category=category,
        subject=subject,
        content=content,
        reason=reason,
        status=CaseStatus.OPEN,
        language=content.language if content else "",
        opened_at=now,
        last_reported_at=now,
        due_at=now + sla,
        report_count=1,
        distinct_reporters=1 if reporter is not None else 0,
    )


def _sql_list(statuses) -> str:
    """Statuses (our own constants, letters only) as an SQL list."""
    assert all(str(status).isalpha() for status in statuses)
    return "(" + ", ".join(f"'{status}'" for status in statuses) + ")"


def _open_or_lock_case(case: Case, *, unless_decided: bool) -> tuple[Case | None, bool]:
    """One statement: the open case on the new case's subject and category, locked, or else
    the new case inserted; (None, False) when neither (see join_or_open_case).

    `unless_decided`: insert nothing either when a decided case on the same subject and
    category exists, for the caller to ask whether the report joins it (services/collapse.py),
    nor when the open case changed while this statement waited to lock it.
    The insert is ON CONFLICT DO NOTHING on the partial unique index of open cases, so a
    concurrent first report that wins the race makes this one insert nothing, never fail.
    """
    connection = transaction.get_connection()
    meta = Case._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    # Written out, as in the partial unique indexes, for ON CONFLICT to find its index.
    open_statuses = _sql_list(OPEN_CASE_STATUSES)
    # An open case the lock did not return was decided or closed while this statement waited
    # for it: then too the steps one by one, which see what it became.
    blocking = _sql_list((CaseStatus.DECIDED, *OPEN_CASE_STATUSES))
    fields = [f for f in meta.concrete_fields if f.column]
    returned = ", ".join(quote(f.column) for f in fields)
    inserted = [f for f in fields if not f.primary_key]
    insert_values = [f.get_db_prep_save(getattr(case, f.attname), connection) for f in inserted]
    if case.content_id is None:
        same = f"{quote('content_id')} IS NULL AND {quote('subject_id')} = %s"
        same_params: list = [case.subject_id]
        target = (
            f"({quote('category_id')}, {quote('subject_id')}) "
            f"WHERE {quote('status')} IN {open_statuses} AND {quote('content_id')} IS NULL"
        )
    else:
        same = f"{quote('content_id')} = %s AND {quote('subject_id')} = %s"
        same_params = [case.content_id, case.subject_id]
        target = (
            f"({quote('category_id')}, {quote('content_id')}) "
            f"WHERE {quote('status')} IN {open_statuses} AND {quote('content_id')} IS NOT NULL"
        )
    same = f"{quote('category_id')} = %s AND {same}"
    same_params = [case.category_id, *same_params]
    sql = (
        f"WITH open_case AS ("  # noqa: S608
        f"SELECT {returned} FROM {table} WHERE {same} AND {quote('status')} IN {open_statuses} "
        f"FOR UPDATE"
        f"), decided AS ("
        f"SELECT 1 FROM {table} WHERE %s AND {same} AND {quote('status')} IN {blocking} LIMIT 1"
        f"), opened AS ("
        f"INSERT INTO {table} ({', '.join(quote(f.column) for f in inserted)}) "
        f"SELECT {', '.join(['%s'] * len(inserted))} "
        f"WHERE NOT EXISTS (SELECT 1 FROM open_case) AND NOT EXISTS (SELECT 1 FROM decided) "
        f"ON CONFLICT {target} DO NOTHING RETURNING {returned}"
        f") SELECT {returned}, false FROM open_case UNION ALL SELECT {returned}, true FROM opened"
    )
    params = [*same_params, unless_decided, *same_params, *insert_values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None, False
    found = Case.from_db(connection.alias, [f.attname for f in fields], row[:-1])
    # The rows' relations are those at hand, as Case.objects.create would leave them.
    found.category, found.subject, found.content = case.category, case.subject, case.content
    if found.reason_id == case.reason_id:
        found.reason = case.reason
    return found, row[-1]


def join_or_open_case(
    *,
    category: Category,
    subject: User,
    content: Content | None,
    reason: Reason | None,
    reporter: User | None,
    now: datetime,
) -> tuple[Case, bool]:
    """The open case for this subject and category, locked; opened if there is none.

    With none open, a case decided 'no violation' within the policy's window is joined instead
    (services/collapse.py): the case is returned closed, and not opened again. A case this
    opens already counts the report (report_count and distinct_reporters).

    One statement when the subject has no decided case here (nearly always): it locks the open
    case or inserts the new one. Otherwise, or when a concurrent first report opened the case
    since that statement began, the steps one by one.
    """
    new = _new_case(
        category=category,
        subject=subject,
        content=content,
        reason=reason,
        reporter=reporter,
        now=now,
    )
    case, opened = _open_or_lock_case(new, unless_decided=True)
    if case is not None:
        return case, opened
    case = _open_case_for_update(category=category, subject=subject, content=content)
    if case is not None:
        return case, False
    decided = decided_case_to_join(
        category=category, subject=subject, content=content, reason=reason, now=now
    )
    if decided is not None:
        return decided, False
    case, opened = _open_or_lock_case(new, unless_decided=False)
    if case is None:  # a concurrent first report opened it since: join that one
        case = _open_case_for_update(category=category, subject=subject, content=content)
        if case is None:
            raise IntegrityError("the open case was neither found nor opened")
    return case, opened
