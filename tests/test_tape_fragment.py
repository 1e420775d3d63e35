"""On a real server, moving the gradient tape's step reruns only the playback (graph, tables, link), not the
formula row above it; the URL follows the step."""

import random
from urllib.parse import parse_qs

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from explorer.bench.loadtest import LoadResult, Session, run_sync
from explorer.bench.server import APP_SCRIPT, streamlit_server


def test_a_step_reruns_only_the_playback_and_the_link_follows():
    with streamlit_server(APP_SCRIPT, env={"EXPLORER_WARM": "0"}) as server:
        async def go():
            s = Session(server.url, "gradient_tape", random.Random(2), LoadResult(server.url, "t", 1, 0), 120.0, None)
            await s.open()
            await s.rerun()
            step = next(w for w in s.widgets.values() if w.id.endswith("tape.step"))
            formula = next(w for w in s.widgets.values() if w.id.endswith("tape.f"))
            drawn: list[str] = []
            s.on_delta = lambda fwd, seen, *where: drawn.append(
                fwd.delta.new_element.WhichOneof("type") or fwd.delta.WhichOneof("type")) or True
            step.state.double_array_value.data[:] = [3.0]
            await s.rerun(step.fragment_id)
            return s, step, formula, drawn
        s, step, formula, drawn = run_sync(go)
    assert not s.result.errors and s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert step.fragment_id and formula.fragment_id and step.fragment_id != formula.fragment_id
    assert "plotly_chart" in drawn and "slider" in drawn  # the graph and the step were redrawn
    assert "text_input" not in drawn and "number_input" not in drawn  # the formula row was not
    assert parse_qs(s.query_string)["tape.step"] == ["3"]
