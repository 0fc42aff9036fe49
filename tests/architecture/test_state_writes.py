"""The workflow engine is the only writer of a state (docs/decisions.md "One engine, one question"): no code outside core/workflow.py
assigns `.state` or `.status`, passes them to `.update()`, or sets them with `setattr`. Creating a
record in its first state is not a transition and is allowed."""

import ast

from .test_layers import ROOT, SOURCES

STATE_FIELDS = {"state", "status"}
ENGINE = "core.workflow"


def _writes(path, root=ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Attribute) and leaf.attr in STATE_FIELDS:
                    found.append(f"{path.relative_to(root)}:{node.lineno} assigns .{leaf.attr}")
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "update" and any(k.arg in STATE_FIELDS for k in node.keywords):
                found.append(f"{path.relative_to(root)}:{node.lineno} updates a state in bulk")
            if name == "setattr" and len(node.args) > 1:
                key = node.args[1]
                if isinstance(key, ast.Constant) and key.value in STATE_FIELDS:
                    found.append(f"{path.relative_to(root)}:{node.lineno} sets a state with setattr")
    return found


def test_only_the_engine_writes_a_state_or_status():
    writes = [w for module, path in SOURCES.items() if module != ENGINE for w in _writes(path)]
    # The scale seed writes states in bulk on purpose (it builds a province's history for benchmarks).
    writes = [w for w in writes if not w.startswith("portal/management/commands/seed_scale.py")]
    assert not writes, "state written outside the engine:\n" + "\n".join(writes)


def test_the_check_sees_each_kind_of_write(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "base.status = 'revoked'\n"
        "a.state, b = 'x', 1\n"
        "Base.objects.filter(pk=1).update(status='active')\n"
        "setattr(obj, 'state', 'done')\n"
        "Base.objects.create(status='active')\n"
    )
    found = _writes(sample, root=tmp_path)
    assert [line.split(" ", 1)[0] for line in found] == ["sample.py:1", "sample.py:2", "sample.py:3", "sample.py:4"]


def test_each_of_the_seven_state_machines_has_a_table():
    from applications.models import Appeal, Application, FraudReport, Hearing
    from bases.models import AnnualFiling, Base, ChangeFiling
    from core.workflow import registered
    from experts.models import Assignment, ScoreSheet
    from steering.models import AllocationRound
    from supervision.models import CancellationRequest, Inspection, InspectionPlan, RectificationOrder

    tables = {(w.model, w.state_field) for w in registered()}
    assert tables == {
        (Application, "state"),
        (AnnualFiling, "state"),
        (Base, "status"),
        (ChangeFiling, "state"),
        (Inspection, "state"),
        (RectificationOrder, "state"),
        (CancellationRequest, "state"),
        # issue 14 (SPEC 2.10): notices of intended decisions, appeals, reports of suspected fraud
        (Hearing, "state"),
        (Appeal, "state"),
        (FraudReport, "state"),
        # issue 16 (Art. 26): an expert's seat on a panel
        (Assignment, "state"),
        # and the expert's scored form: draft, submitted (locked), superseded by a corrected version
        (ScoreSheet, "state"),
        # issue 18 (Art. 13, 21, 22): a year's task allocation, drafted, decided, published
        (AllocationRound, "state"),
        # issue 18 (5, Art. 20): the three-year inspection plan, draft until the province accepts it
        (InspectionPlan, "state"),
    }
