"""One call for ``drift plan`` and ``drift demo``: plan, write the revisions, verify them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drift.api import CheckResult
from drift.errors import DriftError
from drift.plan import Plan, PlanOptions, plan_result
from drift.plan.verify import VerifyReport, verify_plan
from drift.render.migration import WriteResult, write_revisions


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    plan: Plan
    written: WriteResult
    migrations: Path
    report: VerifyReport | None = None  # None: not verified

    @property
    def exit_code(self) -> int:
        """1 when verification ran and the plan does not converge."""
        return 1 if self.report is not None and not self.report.converged else 0


def run_plan(
    result: CheckResult,
    migrations: Path,
    options: PlanOptions | None = None,
    *,
    verify: bool = False,
    scratch_url: str | None = None,
    downgrade: bool = False,
    rev_ids: tuple[str, ...] | None = None,
) -> PlanOutcome:
    """Plan the result's findings, write one revision per phase into ``migrations``, verify."""
    options = options or PlanOptions()
    if options.phase is not None and options.phase not in {p.number for p in
                                                           result.classification.phases}:
        known = ", ".join(str(p.number) for p in result.classification.phases) or "none"
        raise DriftError(f"--phase {options.phase}: no such phase in the expectations "
                         f"(phases: {known})")
    plan = plan_result(result, options)
    written = write_revisions(plan, migrations, url=result.config.url, rev_ids=rev_ids)
    report = None
    if verify and plan.revisions:
        report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                             migrations, result.database, result.models, result.config.schemas,
                             scratch_url=scratch_url, downgrade=downgrade)
    return PlanOutcome(plan, written, migrations, report)
