"""Admin building blocks for tables of tens of millions of rows.

Django's admin is written for tables a COUNT(*) and a LIKE '%term%' can afford. Ours cannot:
on PostgreSQL a COUNT(*) reads every row (MVCC keeps no stored row count) and a LIKE with a
leading wildcard, or Django's UPPER(...) for case-insensitive lookups, is answered by no B-tree
index. The pieces here keep every changelist to a bounded amount of work:

- `EstimatedCountPaginator` counts at most COUNT_LIMIT rows, and takes the planner's estimate for
  the unfiltered list of a large table;
- `IndexedSearchMixin` searches identifiers only, each through an index;
- `LargeTableMixin` puts them together with the other settings a large changelist needs;
- `ReadOnlyRecordMixin` and `ReadOnlyInline` show moderation records without letting the admin
  change them: those changes go through the services, which validate and audit them.
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# Below this many rows an exact count is cheap enough to run on every page view.
COUNT_LIMIT = 10_000


class EstimatedCountPaginator(Paginator):
    """A paginator whose `count` never reads more than COUNT_LIMIT rows.

    - The unfiltered list of a table PostgreSQL believes holds at least COUNT_LIMIT rows takes
      the planner's estimate (pg_class.reltuples, refreshed by autovacuum's ANALYZE): no query
      on the table at all, and the page says "about N".
    - Everything else (a filtered or searched list, a small table, another database) is counted
      up to COUNT_LIMIT + 1 rows with SELECT COUNT(*) FROM (... LIMIT n): exact below the limit,
      "more than N" above it, and bounded either way.

    A too-low estimate only makes the last page links short; a too-high one leaves the last pages
    empty. Both are better than a page that takes seconds to say how many rows there are.
    """

    count_limit = COUNT_LIMIT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read by templates/admin/pagination.html and search_form.html.
        self.count_qualifier = ""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, models.QuerySet):
            return super().count
        if self._is_unfiltered(queryset):
            estimate = self._estimated_rows(queryset)
            if estimate is not None and estimate >= self.count_limit:
                self.count_qualifier = _("about")
                return estimate
        counted = queryset.order_by()[: self.count_limit + 1].count()
        if counted > self.count_limit:
            self.count_qualifier = _("more than")
            return self.count_limit
        return counted

    @staticmethod
    def _is_unfiltered(queryset: models.QuerySet) -> bool:
        query = queryset.query
        return not query.where and not query.distinct and query.combinator is None

    @staticmethod
    def _estimated_rows(queryset: models.QuerySet) -> int | None:
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
            row = cursor.fetchone()
        # reltuples is -1 for a table never analysed yet.
        if row is None or row[0] is None or row[0] < 0:
            return None
        return int(row[0])


SEARCH_LOOKUPS = ("exact", "startswith")


class IndexedSearchMixin:
    """Search by identifiers, each answered by an index.

    Each entry of `search_fields` names a path and its lookup, `exact` or `startswith`:

    - a field of the model itself (`reference__exact`, `case_id__exact`) is matched as typed and
      upper-cased (public ids and references are upper-case, people type them in lower case),
      after conversion to the field's type, so that "12" matches an id without a CAST that no
      index serves;
    - a path through a foreign key (`subject__public_id__exact`) is resolved first in the related
      table, and the rows are then matched on their own indexed foreign key column. Joining
      instead would make PostgreSQL read the whole table to OR a condition on each side of the
      join; resolved first, each condition is an index scan and they combine in a BitmapOr.
      At most `search_related_limit` related rows are used.

    `startswith` on a CharField with db_index or unique is served by the varchar_pattern_ops
    index Django adds beside it on PostgreSQL; `icontains`, Django's default, is served by none.
    """

    search_related_limit = 1000

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q()
        for entry in self.get_search_fields(request):
            condition |= self.search_condition(queryset.model, entry, term)
        if not condition:
            return queryset.none(), False
        # No path crosses a many-valued relation, so no row can come back twice.
        return queryset.filter(condition), False

    def search_condition(self, model: type[models.Model], entry: str, term: str) -> Q:
        *path, lookup = entry.split("__")
        if not path or lookup not in SEARCH_LOOKUPS:
            raise ImproperlyConfigured(
                f"{type(self).__name__}.search_fields: {entry!r} must end in one of "
                f"{', '.join(SEARCH_LOOKUPS)}, so that an index answers the search."
            )
        field = self._field(model, path[0], entry)
        if len(path) > 1:
            if not field.many_to_one and not field.one_to_one:
                raise ImproperlyConfigured(f"{entry!r} must follow a foreign key.")
            related = field.related_model
            related_condition = self.search_condition(related, "__".join([*path[1:], lookup]), term)
            if not related_condition:
                # The term cannot be such a value (too long, not a number): nothing matches.
                return Q()
            keys = list(
                related._default_manager.filter(related_condition)
                .order_by()
                .values_list("pk", flat=True)[: self.search_related_limit]
            )
            return Q(**{f"{path[0]}__in": keys}) if keys else Q()
        if lookup == "startswith" and not isinstance(field, models.CharField):
            raise ImproperlyConfigured(f"{entry!r}: startswith needs a CharField.")
        condition = Q()
        for value in self._search_values(field, term):
            condition |= Q(**{f"{path[0]}__{lookup}": value})
        return condition

    @staticmethod
    def _field(model: type[models.Model], name: str, entry: str) -> models.Field:
        if name == "pk":
            return model._meta.pk
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(f"search_fields: {entry!r} names no field.") from None

    @staticmethod
    def _search_values(field: models.Field, term: str) -> list:
        target = field.target_field if field.is_relation else field
        values = []
        for candidate in dict.fromkeys((term, term.upper())):
            try:
                value = target.to_python(candidate)
                target.run_validators(value)
            except (ValidationError, ValueError, TypeError):
                continue
            if value not in values:
                values.append(value)
        return values


class LargeTableMixin(IndexedSearchMixin):
    """The settings of a changelist over a table of tens of millions of rows.

    Subclasses also order by an indexed column and keep `sortable_by` to indexed columns, so
    that a click on a column header never sorts the whole table; and use raw_id_fields or
    autocomplete_fields for foreign keys to large tables, never a <select> of every row.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Facets count every filter choice over the whole table.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    list_max_show_all = 200


class NoWritesMixin:
    """Neither add, change nor delete, whoever asks; viewing stays with the view permission."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyRecordMixin(NoWritesMixin):
    """A moderation record: viewable, never added, edited or deleted through the admin.

    Cases, reports, decisions and the rest change only through the services, which validate the
    change and record its audit event in the same transaction. Without the delete permission
    the "delete selected" action disappears too.
    """

    def get_readonly_fields(self, request, obj=None):
        # Non-editable fields (public ids, auto_now_add dates) are only shown when listed here.
        fields = [field.name for field in self.model._meta.concrete_fields]
        return [*fields, *(f for f in super().get_readonly_fields(request, obj) if f not in fields)]


class ReadOnlyInline(NoWritesMixin, admin.TabularInline):
    """Related moderation records shown on their parent's page, read-only."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.concrete_fields]
