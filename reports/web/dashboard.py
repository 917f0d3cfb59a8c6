"""The dashboard's sections as a lead reads them: each a chart, its numbers in a table, and the
same numbers as flat rows for the CSV (reports/web/views/dashboard.py serves them)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from reports.models import Category, DecisionAction, Tier
from reports.models.choices import Ground
from reports.selectors.dashboard import Dashboard, Sla
from reports.web.charts import (
    BLUE,
    GREEN,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    Bar,
    Series,
    bar_chart,
    count_axis,
    duration_words,
    line_chart,
    percent_axis,
    percent_text,
)
from reports.web.dashboard_parts import (
    Column,
    Section,
    Table,
    label,
    times_chart,
    times_text,
)
from reports.web.dashboard_quality import QualitySections


class Sections(QualitySections):
    """The sections of one dashboard, with names for its categories."""

    def __init__(self, board: Dashboard, categories: dict[int, Category]):
        self.board = board
        self.categories = categories

    def category(self, pk: int) -> str:
        category = self.categories.get(pk)
        return category.display_name if category else f"#{pk}"

    def by_category(self, figures: dict) -> list[tuple[int, object]]:
        """The figures of each category, in the categories' own order."""
        order = list(self.categories)
        return sorted(
            figures.items(), key=lambda item: order.index(item[0]) if item[0] in order else 9999
        )

    def all(self) -> list[Section]:
        return [
            self.overview(),
            self.queue(),
            self.sla(),
            self.time_to_action(),
            self.actions(),
            self.automation(),
            self.appeals(),
            self.notices(),
            self.emergencies(),
        ]

    # At a glance -------------------------------------------------------------------------------

    def overview(self) -> Section:
        board = self.board
        last = board.queue[-1]
        return Section(
            "overview",
            _("At a glance"),
            figures=[
                (_("Open cases at the end of the period"), last.open),
                (_("Of them overdue"), last.overdue),
                (_("Decisions"), board.decisions),
                (_("Decided within the SLA"), percent_text(board.decision_sla_total().share)),
                (_("Median time to action"), duration_words(board.time_to_action_all.median)),
                (_("Appeals: overturn rate"), percent_text(board.appeals.rate)),
                (_("Emergencies: median first action"), duration_words(board.emergencies.median)),
            ],
        )

    # Queue -------------------------------------------------------------------------------------

    def queue(self) -> Section:
        days = self.board.queue
        peak = max(days, key=lambda d: d.open)
        chart = line_chart(
            chart_id="chart-queue",
            title=_("Open and overdue cases at the end of each day"),
            description=_(
                "Open cases: %(open)d at the end of the period, at most %(peak)d. "
                "Overdue: %(overdue)d at the end of the period."
            )
            % {"open": days[-1].open, "peak": peak.open, "overdue": days[-1].overdue},
            days=[d.day for d in days],
            series=[Series(_("Open"), BLUE), Series(_("Overdue"), VERMILLION, dashed=True)],
            values=[[d.open for d in days], [d.overdue for d in days]],
        )
        return Section(
            "queue",
            _("Queue depth"),
            _("Cases still open at the end of each day, and those of them past their due time."),
            charts=[chart],
            tables=[
                Table(
                    _("Open and overdue cases per day"),
                    [Column(_("Day"), False), Column(_("Open")), Column(_("Overdue"))],
                    [[d.day, d.open, d.overdue] for d in reversed(days)],
                )
            ],
        )

    # SLA ---------------------------------------------------------------------------------------

    def sla(self) -> Section:
        board = self.board
        decided: dict[int, Sla] = {}
        first: dict[int, Sla] = {}
        for source, target in ((board.decision_sla, decided), (board.first_action_sla, first)):
            for (category, _tier), sla in source.items():
                target.setdefault(category, Sla()).add(sla.count, sla.within)
        categories = [pk for pk, _sla in self.by_category({**decided, **first})]
        rows = []
        for pk in categories:
            d, f = decided.get(pk, Sla()), first.get(pk, Sla())
            rows.append(
                Bar(
                    self.category(pk),
                    [d.share, f.share],
                    _("%(decided)s · %(first)s")
                    % {"decided": percent_text(d.share), "first": percent_text(f.share)},
                )
            )
        chart = bar_chart(
            chart_id="chart-sla",
            title=_("Share within the SLA, per category"),
            description=_("Decisions and first actions taken by the case's due time."),
            rows=rows,
            series=[
                Series(_("Decisions within the SLA"), BLUE),
                Series(_("First actions within the SLA"), ORANGE),
            ],
            axis=percent_axis(),
        )
        keys = sorted(
            set(board.decision_sla) | set(board.first_action_sla),
            key=lambda key: (categories.index(key[0]), key[1]),
        )
        table_rows = []
        for key in keys:
            d, f = board.decision_sla.get(key, Sla()), board.first_action_sla.get(key, Sla())
            table_rows.append(
                [
                    self.category(key[0]),
                    label(Tier, key[1]),
                    d.count,
                    percent_text(d.share),
                    f.count,
                    percent_text(f.share),
                ]
            )
        d_all, f_all = Sla(), Sla()
        for sla in decided.values():
            d_all.add(sla.count, sla.within)
        for sla in first.values():
            f_all.add(sla.count, sla.within)
        return Section(
            "sla",
            _("SLA met"),
            _(
                "Of the decisions and first actions (a claim or a decision) of the period, "
                "the share taken by the case's due time."
            ),
            charts=[chart] if rows else [],
            tables=[
                Table(
                    _("Within the SLA, per category and tier"),
                    [
                        Column(_("Category"), False),
                        Column(_("Tier"), False),
                        Column(_("Decisions")),
                        Column(_("Within the SLA")),
                        Column(_("First actions")),
                        Column(_("Within the SLA")),
                    ],
                    table_rows,
                    total=[
                        _("All"),
                        "",
                        d_all.count,
                        percent_text(d_all.share),
                        f_all.count,
                        percent_text(f_all.share),
                    ],
                )
            ],
        )

    # Time to action ----------------------------------------------------------------------------

    def time_to_action(self) -> Section:
        board = self.board
        ordered = self.by_category(board.time_to_action)
        chart = times_chart(
            chart_id="chart-time",
            title=_("Time from first report to action, per category"),
            description=_("The median and the time within which 90%% were acted on: %(all)s.")
            % {"all": times_text(board.time_to_action_all)},
            rows=[(self.category(pk), t) for pk, t in ordered],
            colours=(BLUE, SKY),
        )
        columns = [
            Column(_("Category"), False),
            Column(pgettext("number of", "Actions")),
            Column(_("Median")),
            Column(_("90% within")),
        ]
        total = board.time_to_action_all
        return Section(
            "time-to-action",
            _("Time to action"),
            _(
                "From a case's first report to a decision that acted on it (every decision but "
                "“no violation”): the median, and the time within which 90% were taken."
            ),
            charts=[chart] if ordered else [],
            tables=[
                Table(
                    _("Time to action per category"),
                    columns,
                    [
                        [
                            self.category(pk),
                            t.count,
                            duration_words(t.median),
                            duration_words(t.p90),
                        ]
                        for pk, t in ordered
                    ],
                    total=[
                        _("All"),
                        total.count,
                        duration_words(total.median),
                        duration_words(total.p90),
                    ],
                )
            ],
        )

    # Actions -----------------------------------------------------------------------------------

    def actions(self) -> Section:
        board = self.board
        total = board.decisions
        actions = sorted(board.actions.items(), key=lambda item: -item[1])
        grounds = sorted(board.grounds.items(), key=lambda item: -item[1])

        def share(n: int) -> str:
            return percent_text(n / total if total else None)

        charts = []
        if actions:
            charts.append(
                bar_chart(
                    chart_id="chart-actions",
                    title=_("Decisions by action"),
                    description=ngettext(
                        "%(n)d decision in the period.", "%(n)d decisions in the period.", total
                    )
                    % {"n": total},
                    rows=[
                        Bar(label(DecisionAction, a), [n], f"{n} ({share(n)})") for a, n in actions
                    ],
                    series=[Series(_("Decisions"), BLUE)],
                    axis=count_axis(actions[0][1]),
                )
            )
            charts.append(
                bar_chart(
                    chart_id="chart-grounds",
                    title=_("Decisions by ground"),
                    description=_("Illegal content (the law) or the community guidelines (terms)."),
                    rows=[Bar(label(Ground, g), [n], f"{n} ({share(n)})") for g, n in grounds],
                    series=[Series(_("Decisions"), GREEN)],
                    axis=count_axis(grounds[0][1]),
                )
            )
        columns = [Column(_("Decisions")), Column(_("Share"))]
        return Section(
            "actions",
            _("Actions"),
            _("Decisions in force, by what was done and on which ground."),
            charts=charts,
            tables=[
                Table(
                    _("Decisions by action"),
                    [Column(_("Action"), False), *columns],
                    [[label(DecisionAction, a), n, share(n)] for a, n in actions],
                    total=[_("All"), total, share(total)],
                ),
                Table(
                    _("Decisions by ground"),
                    [Column(_("Ground"), False), *columns],
                    [[label(Ground, g), n, share(n)] for g, n in grounds],
                ),
            ],
        )

    # Automation --------------------------------------------------------------------------------

    def automation(self) -> Section:
        board = self.board
        total = board.decisions
        labels = {
            (False, False): _("Found by people, decided by people"),
            (True, False): _("Found automatically, decided by people"),
            (True, True): _("Found and decided automatically"),
            (False, True): _("Found by people, decided automatically"),
        }
        rows = [(labels[key], board.automation.get(key, 0)) for key in labels]
        shown = [(label, n) for label, n in rows if n]

        def share(n: int) -> str:
            return percent_text(n / total if total else None)

        chart = bar_chart(
            chart_id="chart-automation",
            title=_("Automated and human moderation"),
            description=_("How decisions were found and taken."),
            rows=[Bar(label, [n], f"{n} ({share(n)})") for label, n in shown],
            series=[Series(_("Decisions"), PURPLE)],
            axis=count_axis(max((n for _how, n in shown), default=0)),
        )
        return Section(
            "automation",
            _("Automated and human"),
            _(
                "Whether what was decided was found by automated detection, and whether the "
                "decision itself was automated."
            ),
            charts=[chart] if shown else [],
            tables=[
                Table(
                    _("Decisions by automation"),
                    [Column(_("How"), False), Column(_("Decisions")), Column(_("Share"))],
                    [[label, n, share(n)] for label, n in rows],
                )
            ],
        )

    def emergencies(self) -> Section:
        board = self.board
        ordered = self.by_category(board.emergencies_by_category)
        e = board.emergencies
        chart = times_chart(
            chart_id="chart-emergencies",
            title=_("Emergencies: time to first action, per category"),
            description=times_text(e),
            rows=[(self.category(pk), t) for pk, t in ordered],
            colours=(VERMILLION, ORANGE),
        )
        return Section(
            "emergencies",
            _("Emergencies"),
            _(
                "Cases in the emergency tier: how many opened, and how soon a moderator first "
                "acted on them (claimed or decided)."
            ),
            figures=[
                (_("Opened"), board.emergencies_opened),
                (_("First acted on"), e.count),
                (_("Median time to first action"), duration_words(e.median)),
                (_("90% within"), duration_words(e.p90)),
                (_("Within the SLA"), percent_text(board.emergencies_within_sla.share)),
            ],
            charts=[chart] if ordered else [],
            tables=[
                Table(
                    _("Emergencies per category"),
                    [
                        Column(_("Category"), False),
                        Column(_("First acted on")),
                        Column(_("Median")),
                        Column(_("90% within")),
                    ],
                    [
                        [
                            self.category(pk),
                            t.count,
                            duration_words(t.median),
                            duration_words(t.p90),
                        ]
                        for pk, t in ordered
                    ],
                )
            ],
        )
