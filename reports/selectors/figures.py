"""Reading the daily figures (models/figures.py): one metric over a period, and the quantiles
of the time histograms they carry.

A histogram is {bucket: count}; bucket b holds durations of [2**(b/8), 2**((b+1)/8)) seconds,
and bucket 0 everything under 1 second as well. A quantile is read by interpolating inside its
bucket, so it is within 9 % of the exact figure, and usually much closer (see tests/reports/
test_figures.py).
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection
from django.db.models import F, QuerySet

from reports.models import DailyFigure

BUCKETS_PER_DOUBLING = 8


def bucket_of(seconds: float) -> int:
    if seconds < 1:
        return 0
    return math.floor(math.log2(seconds) * BUCKETS_PER_DOUBLING)


def bucket_bounds(bucket: int) -> tuple[float, float]:
    low = 0.0 if bucket == 0 else 2 ** (bucket / BUCKETS_PER_DOUBLING)
    return low, 2 ** ((bucket + 1) / BUCKETS_PER_DOUBLING)


def histogram(durations: Iterable[timedelta]) -> dict[str, int]:
    """The histogram of some durations, as stored (JSON keys are strings)."""
    counts = Counter(str(bucket_of(max(d.total_seconds(), 0))) for d in durations)
    return dict(counts)


def merge(histograms: Iterable[dict]) -> Counter:
    """Many stored histograms as one, keyed by int bucket."""
    total: Counter = Counter()
    for stored in histograms:
        for bucket, count in (stored or {}).items():
            total[int(bucket)] += count
    return total


def quantile(merged: Counter, q: float) -> timedelta | None:
    """The q-quantile (0 < q < 1) of a merged histogram; None when it is empty."""
    n = sum(merged.values())
    if n == 0:
        return None
    rank = q * n
    seen = 0
    for bucket in sorted(merged):
        count = merged[bucket]
        if seen + count >= rank:
            low, high = bucket_bounds(bucket)
            share = (rank - seen) / count if count else 0
            return timedelta(seconds=round(low + (high - low) * share))
        seen += count
    low, high = bucket_bounds(max(merged))
    return timedelta(seconds=round(high))


def figures(
    metric: str, start: date, end: date, *, categories: Iterable[int] | None = None
) -> QuerySet[DailyFigure]:
    """The rows of one metric from `start` to `end`, both days included."""
    rows = DailyFigure.objects.filter(metric=metric, day__gte=start, day__lte=end)
    if categories is not None:
        rows = rows.filter(category__in=list(categories))
    return rows


def summed_histograms(rows: QuerySet[DailyFigure], *keys: str) -> dict[tuple, Counter]:
    """The histograms of these rows merged per combination of `keys`, summed in the database.

    A year of figures holds tens of thousands of rows: their buckets are added up in SQL
    (jsonb_each_text on PostgreSQL, json_each on SQLite) and only the sums come back.
    """
    each = "jsonb_each_text" if connection.vendor == "postgresql" else "json_each"
    aliases = {f"key_{n}": F(key) for n, key in enumerate(keys)}
    inner, params = rows.values("durations", **aliases).query.sql_with_params()
    names = ", ".join(f"f.{connection.ops.quote_name(alias)}" for alias in aliases)
    grouped = ", ".join(str(n) for n in range(1, len(keys) + 2))
    sql = (
        f"SELECT {names}, CAST(kv.key AS INTEGER), SUM(CAST(kv.value AS INTEGER))"  # noqa: S608
        f" FROM ({inner}) f, {each}(f.durations) kv GROUP BY {grouped}"
    )
    merged: dict[tuple, Counter] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for *key, bucket, n in cursor.fetchall():
            merged[tuple(key)][bucket] += n
    return merged
