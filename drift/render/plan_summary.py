"""The summary of a ``drift plan`` run (text or Markdown): revisions, hazards, what was
left out, and the verdict of ``--verify``."""

from __future__ import annotations

from drift.plan import Revision
from drift.plan.run import PlanOutcome
from drift.plan.verify import VerifyReport
from drift.render.filters import md_cell, md_code


def summary_lines(outcome: PlanOutcome, markdown: bool = False) -> list[str]:
    """The plan summary: revisions, hazards, what was left out, and the verdict of --verify."""
    esc = md_cell if markdown else str
    code = md_code if markdown else str
    plan, written = outcome.plan, outcome.written
    head = written.start or "base"
    out: list[str] = []
    if markdown:
        out += ["## drift plan", ""]
    if not plan.revisions:
        out.append("Nothing to plan: no drift to migrate.")
        return out
    out.append(f"{len(plan.revisions)} revision(s) in {esc(str(outcome.migrations))}, "
               f"following {esc(head)}:")
    if markdown:
        out += ["", "| # | revision | steps | disabled | manual | hazards | file |",
                "|---|---|---|---|---|---|---|"]
    for i, (rev, w) in enumerate(zip(plan.revisions, written.revisions, strict=True), 1):
        disabled = sum(1 for st in rev.steps if st.disabled)
        manual = sum(1 for st in rev.steps if st.op is None)
        on, more = _hazard_counts(rev)
        if markdown:
            out.append(f"| {i} | {esc(rev.message)} | {len(rev.steps)} | {disabled} | {manual} "
                       f"| {on}{more} | {code(w.path.name)} |")
        else:
            out.append(f"  {i}. {rev.message}: {len(rev.steps)} step(s), {disabled} disabled, "
                       f"{manual} manual, {on} hazard(s){more} -> {w.path.name}")
    listed = [(rev, st, h) for rev in plan.revisions for st, h in rev.hazards]
    if listed:
        out += ["", "### Hazards" if markdown else "Hazards:"]
        if markdown:
            out.append("")
        for rev, st, h in listed:
            bullet = "-" if markdown else "  -"
            off = " (disabled step)" if st.disabled else ""
            out.append(f"{bullet} {esc(rev.key)}, {h.kind.value}{off}: {esc(h.message)}")
    if plan.left_out:
        out += ["", f"{len(plan.left_out)} finding(s) left out (--expected-only / --phase)."]
    if outcome.report is not None:
        out += [""] + verify_lines(outcome.report, markdown)
    if not written.published:
        out += ["", "Nothing was written: the revisions reach the versions folder only once "
                "they are verified."]
    return out


def _hazard_counts(rev: Revision) -> tuple[int, str]:
    """Hazards of the steps that run, and a note on those of disabled (commented-out) ones."""
    off = sum(1 for st, _ in rev.hazards if st.disabled)
    return len(rev.hazards) - off, f" ({off} more on disabled steps)" if off else ""


def verify_lines(report: VerifyReport, markdown: bool = False) -> list[str]:
    esc = md_cell if markdown else str
    out = ["### Verification" if markdown else f"Verification on {report.scratch}:"]
    if markdown:
        out += ["", f"On {md_code(report.scratch)}:", ""]
    bullet = "-" if markdown else "  -"
    for missing in report.not_rebuilt:
        out.append(f"{bullet} MANUAL: the scratch copy lacks {esc(missing)}; check it by hand")
    if report.rebuild_differences:
        out.append(f"{bullet} the rebuilt schema differs from the live one in "
                   f"{len(report.rebuild_differences)} place(s): "
                   f"{esc('; '.join(report.rebuild_differences))}")
    for r in report.revisions:
        if r.error:
            verdict = f"FAILED: {r.error}"
        elif r.converged:
            verdict = f"converged ({r.resolved} resolved, {r.left_disabled} left on purpose)"
        else:
            parts = []
            if r.unresolved:
                parts.append(f"unresolved: {'; '.join(r.unresolved)}")
            if r.introduced:
                parts.append(f"introduced: {'; '.join(r.introduced)}")
            verdict = "NOT converged: " + ", ".join(parts)
        out.append(f"{bullet} {esc(r.message)}: {esc(verdict)}")
    if report.downgrade_ran is not None:
        if report.downgrade_error:
            down = f"FAILED: {report.downgrade_error}"
        elif report.downgrade_differences:
            down = ("ran; not restored exactly: "
                    + "; ".join(report.downgrade_differences))
        else:
            down = "ran, back to the start"
        if report.downgrade_irreversible and not report.downgrade_error:
            down += (" (not undone, as marked irreversible: "
                     + "; ".join(report.downgrade_irreversible) + ")")
        out.append(f"{bullet} downgrade: {esc(down)}")
    if markdown:
        out.append("")  # else the verdict renders inside the list above
    out.append(f"{'**' if markdown else ''}Verdict: "
               f"{'converged' if report.converged else 'does NOT converge'}"
               f"{'**' if markdown else ''}")
    return out


def render_plan_summary(outcome: PlanOutcome, fmt: str = "text") -> str:
    return "\n".join(summary_lines(outcome, markdown=fmt == "markdown")) + "\n"
