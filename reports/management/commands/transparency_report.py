"""The DSA transparency report of a period on standard output, as JSON or CSV: the same figures
as the page's downloads (selectors/transparency.py), e.g. for the yearly report:

    manage.py transparency_report --from 2025-01-01 --to 2025-12-31 --format csv > report.csv
"""

from django.core.management.base import BaseCommand, CommandError

from reports.selectors.transparency import transparency_report
from reports.selectors.transparency_export import report_csv, report_json
from reports.web.forms.transparency import ReportPeriodForm


class Command(BaseCommand):
    help = "Write the DSA transparency report (Art. 15 and 24) of a period as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="start", required=True, help="First day, YYYY-MM-DD (UTC)."
        )
        parser.add_argument(
            "--to", dest="end", required=True, help="Last day, included, YYYY-MM-DD (UTC)."
        )
        parser.add_argument("--format", dest="output", choices=("json", "csv"), default="json")

    def handle(self, *args, start: str, end: str, output: str, **options):
        form = ReportPeriodForm({"start": start, "end": end, "format": output})
        if not form.is_valid():
            problems = [
                f"--{'from' if field == 'start' else 'to'}: {' '.join(messages)}"
                if field in ("start", "end")
                else " ".join(messages)
                for field, messages in form.errors.items()
            ]
            raise CommandError("; ".join(problems))
        figures = transparency_report(form.cleaned_data["start"], form.cleaned_data["end"])
        self.stdout.write(
            report_csv(figures) if output == "csv" else report_json(figures), ending=""
        )
