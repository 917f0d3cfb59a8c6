"""The dashboard's sections on the quality of the work: appeals and the overturn rate, and the
notices of members and trusted flaggers (reports/web/dashboard.py gathers every section)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.models import Category, ReportSource
from reports.selectors.dashboard import Dashboard, NoticeQuality, Overturns
from reports.web.charts import (
    BLUE,
    GREY,
    ORANGE,
    PURPLE,
    VERMILLION,
    Bar,
    Series,
    bar_chart,
    percent_axis,
    percent_text,
    share_chart,
)
from reports.web.dashboard_parts import Column, Section, Table, label


class QualitySections:
    """Appeals and notices; Sections adds the board, the category names (`category`) and their
    order (`by_category`)."""

    board: Dashboard
    categories: dict[int, Category]

    # Appeals -----------------------------------------------------------------------------------

    def _overturn_row(self, name: str, o: Overturns) -> list[object]:
        return [name, o.received, o.decided, o.upheld, o.reversed, o.replaced, percent_text(o.rate)]

    def appeals(self) -> Section:
        board = self.board
        outcomes = [
            Series(_("Upheld"), BLUE),
            Series(_("Reversed"), VERMILLION),
            Series(_("Replaced"), PURPLE),
        ]
        categories = self.by_category(board.appeals_by_category)
        moderators = sorted(
            board.appeals_by_moderator.items(),
            key=lambda item: (-item[1].decided, self.moderator(item[0])),
        )
        charts = []
        decided_categories = [(pk, o) for pk, o in categories if o.decided]
        if decided_categories:
            charts.append(
                share_chart(
                    chart_id="chart-appeals",
                    title=_("What became of the appeals decided, per category"),
                    description=_("Overturn rate: %(rate)s of %(n)d appeals decided.")
                    % {"rate": percent_text(board.appeals.rate), "n": board.appeals.decided},
                    rows=[
                        Bar(
                            self.category(pk),
                            [o.upheld, o.reversed, o.replaced],
                            _("%(rate)s overturned of %(n)d")
                            % {"rate": percent_text(o.rate), "n": o.decided},
                        )
                        for pk, o in decided_categories
                    ],
                    series=outcomes,
                )
            )
        decided_moderators = [(pk, o) for pk, o in moderators if o.decided]
        if decided_moderators:
            charts.append(
                bar_chart(
                    chart_id="chart-overturns",
                    title=_("Overturn rate per moderator"),
                    description=_("The share of appealed decisions reversed or replaced."),
                    rows=[
                        Bar(
                            self.moderator(pk),
                            [o.rate],
                            _("%(rate)s of %(n)d") % {"rate": percent_text(o.rate), "n": o.decided},
                        )
                        for pk, o in decided_moderators
                    ],
                    series=[Series(_("Overturn rate"), VERMILLION)],
                    axis=percent_axis(),
                )
            )
        columns = [
            Column(pgettext("number of", "Received")),
            Column(_("Decided")),
            Column(_("Upheld")),
            Column(_("Reversed")),
            Column(_("Replaced")),
            Column(_("Overturn rate")),
        ]
        a = board.appeals
        return Section(
            "appeals",
            _("Appeals"),
            _(
                "Appeals and reviews received and decided in the period. Overturn rate: the "
                "decisions reversed or replaced with a milder one, out of those decided."
            ),
            figures=[
                (pgettext("number of", "Received"), a.received),
                (_("Decided"), a.decided),
                (_("Upheld"), a.upheld),
                (_("Reversed"), a.reversed),
                (_("Replaced"), a.replaced),
                (_("Overturn rate"), percent_text(a.rate)),
            ],
            charts=charts,
            tables=[
                Table(
                    _("Appeals per category"),
                    [Column(_("Category"), False), *columns],
                    [self._overturn_row(self.category(pk), o) for pk, o in categories],
                    total=self._overturn_row(_("All"), a),
                ),
                Table(
                    _("Appeals per moderator who took the appealed decision"),
                    [Column(_("Moderator"), False), *columns],
                    [self._overturn_row(self.moderator(pk), o) for pk, o in moderators],
                ),
            ],
        )

    def moderator(self, pk: int) -> str:
        return self.board.moderator_names.get(pk) or _("Former moderator #%(id)d") % {"id": pk}

    def flagger(self, pk: int) -> str:
        return self.board.flagger_names.get(pk) or _("Organisation #%(id)d") % {"id": pk}

    # Notices -----------------------------------------------------------------------------------

    def notices(self) -> Section:
        board = self.board
        series = [
            Series(pgettext("notice outcome", "Action taken"), BLUE),
            Series(_("No violation"), ORANGE),
            Series(_("Closed without review"), GREY),
        ]
        sources = sorted(board.notices_by_source.items(), key=lambda item: -item[1].closed)
        flaggers = sorted(
            board.notices_by_flagger.items(),
            key=lambda item: (-item[1].closed, self.flagger(item[0])),
        )

        def bar(name: str, q: NoticeQuality) -> Bar:
            return Bar(
                name,
                [q.actioned, q.no_violation, q.dismissed],
                _("%(share)s acted on of %(n)d")
                % {"share": percent_text(q.actioned_share), "n": q.closed},
            )

        def row(name: str, q: NoticeQuality) -> list[object]:
            return [
                name,
                q.closed,
                percent_text(q.actioned_share),
                percent_text(q.no_violation_share),
                q.dismissed,
                q.imprecise,
            ]

        charts = []
        closed_sources = [(s, q) for s, q in sources if q.closed]
        if closed_sources:
            charts.append(
                share_chart(
                    chart_id="chart-sources",
                    title=_("Notices closed, by where they came from"),
                    description=_("What became of the notices closed in the period."),
                    rows=[bar(label(ReportSource, s), q) for s, q in closed_sources],
                    series=series,
                )
            )
        closed_flaggers = [(pk, q) for pk, q in flaggers if q.closed]
        if closed_flaggers:
            charts.append(
                share_chart(
                    chart_id="chart-flaggers",
                    title=_("Trusted flaggers' notices closed"),
                    description=_("What became of each trusted flagger's notices."),
                    rows=[bar(self.flagger(pk), q) for pk, q in closed_flaggers],
                    series=series,
                )
            )
        columns = [
            Column(_("Closed")),
            Column(pgettext("notice outcome", "Action taken")),
            Column(_("No violation")),
            Column(_("Closed without review")),
            Column(_("Marked imprecise")),
        ]
        return Section(
            "notices",
            _("Reporters and trusted flaggers"),
            _(
                "Notices closed in the period and what became of them: the share acted on and the "
                "share found no violation, out of those closed; trusted flaggers' notices a senior "
                "marked imprecise."
            ),
            charts=charts,
            tables=[
                Table(
                    _("Notices by source"),
                    [Column(_("Source"), False), *columns],
                    [row(label(ReportSource, s), q) for s, q in sources],
                ),
                Table(
                    _("Notices by trusted flagger"),
                    [Column(_("Organisation"), False), *columns],
                    [row(self.flagger(pk), q) for pk, q in flaggers],
                ),
            ],
        )

    # Emergencies -------------------------------------------------------------------------------
