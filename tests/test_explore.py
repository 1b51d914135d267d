"""90-explore in a live kernel: the controls redraw the view as they change (issue 13).

The notebook runs top to bottom in a kernel, then extra cells drive the widgets' values
as a user's clicks would and wait on the kernel's event loop (where the debounced
redraw runs) before reading the view.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "90-explore.ipynb"
pytestmark = pytest.mark.slow

PROBE = '''
import asyncio, json
from borderland import select
opened, redraws = view.value, []
view.observe(lambda change: redraws.append(change["new"]), names="value")

def expected_claims():
    return len(select.claims(tables, params.check(chosen(), tables)))

everything = expected_claims()
pick_types.value = ("official",)       # two quick changes: one redraw
pick_reliability.value = "medium"
await asyncio.sleep(2)
official = dict(redraws=len(redraws), claims=expected_claims(), view=view.value)
label = next(l for l, sid in source_labels.items() if sid == "rferl-2012-07-25")
pick_types.value = ()
pick_sources.value = [label]
await asyncio.sleep(2)
one_source = dict(claims=expected_claims(), view=view.value)
pick_as_of.value = "2012-02-30"
await asyncio.sleep(2)
print(json.dumps(dict(opened=opened, everything=everything, official=official,
                      one_source=one_source, status=status.value, last=view.value,
                      labels=list(source_labels)[:3])))
'''


def test_controls_redraw_the_view_as_they_change(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLAND_FIG_ROOT", str(tmp_path))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(PROBE)))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    streams = [o for o in nb.cells[-1].outputs if o.output_type == "stream"]
    printed = "".join(o.get("text", "") for o in streams if o.get("name") == "stdout")
    warned = "".join(o.get("text", "") for o in streams if o.get("name") == "stderr")
    assert "IllegibleChart" not in warned, warned
    seen = json.loads(printed)

    # a view on open, without a click: the timeline, one episode and the rows behind it
    assert '<figure class="bl-figure" id="fig-90-explore-timeline"' in seen["opened"]
    assert "claims behind the chart above" in seen["opened"]
    assert f"All {seen['everything']:,} claims" in seen["opened"]
    # claimant type and reliability changed together: redrawn once, with fewer claims
    official = seen["official"]
    assert official["redraws"] == 1, "two quick changes should give one (debounced) redraw"
    assert 0 < official["claims"] < seen["everything"]
    assert f"All {official['claims']:,} claims" in official["view"]
    assert official["view"] != seen["opened"]
    # the sources picker takes a publisher and title label and filters by its document
    assert 0 < seen["one_source"]["claims"] < seen["everything"]
    assert f"All {seen['one_source']['claims']:,} claims" in seen["one_source"]["view"]
    assert "Radio Free Europe" in seen["one_source"]["view"]
    assert all(": " in label and label.endswith("]") for label in seen["labels"])
    # an impossible date: the view stays, the message says what is wrong and what is allowed
    assert "not a real calendar date" in seen["status"] and "allowed: ISO date" in seen["status"]
    assert seen["last"] == seen["one_source"]["view"]
