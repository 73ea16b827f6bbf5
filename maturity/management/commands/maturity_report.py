"""Print the maturity of the organization and each unit as a table."""

from typing import Any

from django.core.management.base import BaseCommand

from maturity import selectors


class Command(BaseCommand):
    help = "Print each unit's and the organization's maturity stage, and what the next stage needs."

    def handle(self, *args: Any, **options: Any) -> None:
        found = selectors.overview()
        unit_rows = [(a.unit.name if a.unit else "", a) for a in found.units]
        rows = [*unit_rows, ("Organization", found.organization)]
        width = max(len(name) for name, _ in rows)
        self.stdout.write(f"{'Scope':<{width}}  {'Stage':<18}  Missing for the next stage")
        self.stdout.write(f"{'-' * width}  {'-' * 18}  {'-' * 40}")
        for name, assessment in rows:
            stage = f"{assessment.stage} {assessment.stage_name}"
            missing = "; ".join(r.title for r in assessment.missing) or "-"
            self.stdout.write(f"{name:<{width}}  {stage:<18}  {missing}")
        self.stdout.write("")
        self.stdout.write("Units by stage, beside the published survey:")
        bench = found.benchmark
        for row in bench["distribution"]:
            survey = "" if row["survey_share"] is None else f"{row['survey_share']:.0%}"
            self.stdout.write(
                f"  {row['name']:<18} {row['units']:>3} units  {row['share']:>5.0%}"
                f"   survey {survey:>4}"
            )
        for finding in bench["findings"]:
            ours = "n/a" if finding["ours"] is None else f"{finding['ours']:.0%}"
            self.stdout.write(
                f"  {finding['label']}: ours {ours} ({finding['measured_as']}), "
                f"survey {finding['survey_share']:.0%}"
            )
        self.stdout.write(f"Source: {bench['source']}")
