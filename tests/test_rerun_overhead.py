"""The rerun fixes: a fragment's snapshot copies each container once and stays independent of the run it was taken
from; the per-run thread pool is made only when a parallel fragment needs it; a cached function's argument names
are read once, and its key is made once per compiled function; a widget's data is searched for dataframes from
the values' types. The server installs them (server_fixes.install);
here they run on Streamlit's own objects."""

from __future__ import annotations

import copy
import gc
import threading
import weakref

import pytest
import streamlit as st
from streamlit.components.v2.bidi_component import serialization
from streamlit.cursor import RunningCursor
from streamlit.delta_generator import DeltaGenerator
from streamlit.proto.Element_pb2 import Element
from streamlit.runtime.caching import cache_utils
from streamlit.testing.v1 import AppTest

from explorer.ui import rerun_overhead

DEPTH = 6


@pytest.fixture(autouse=True, scope="module")
def installed():
    rerun_overhead.install()


def a_stack(depth: int = DEPTH) -> tuple[DeltaGenerator, ...]:
    """What ``context_dg_stack`` holds inside ``depth - 1`` nested containers: each one's parent is the one before."""
    stack = [DeltaGenerator(root_container=0, cursor=RunningCursor(0))]
    for _ in range(1, depth):
        cursor = stack[-1]._cursor.open_block()
        stack.append(DeltaGenerator(root_container=0, cursor=cursor, parent=stack[-1], block_type="vertical"))
    return tuple(stack)


def test_a_snapshot_copies_each_container_once(monkeypatch):
    made = []
    original = DeltaGenerator.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    stack = a_stack()
    monkeypatch.setattr(DeltaGenerator, "__init__", counted)
    twin = copy.deepcopy(stack)
    assert len(made) == DEPTH  # Streamlit's own copy makes DEPTH * (DEPTH + 1) / 2 = 21
    for level in range(1, DEPTH):  # the chain of parents is the copied stack itself, as in the original
        assert twin[level]._parent is twin[level - 1]
        assert twin[level] is not stack[level]


def test_a_snapshot_keeps_its_place_while_the_run_moves_on():
    stack = a_stack()
    twin = copy.deepcopy(stack)
    where = [dg._cursor.delta_path for dg in twin]
    for dg in stack:  # the run goes on drawing after the snapshot
        dg._cursor.lock_element()
        dg._cursor.open_block()
    assert [dg._cursor.delta_path for dg in twin] == where
    assert [dg._cursor.delta_path for dg in stack] != where
    assert all(a._cursor.parent_path == b._cursor.parent_path for a, b in zip(stack, twin))


def test_a_cursors_transient_elements_are_copied_not_shared():
    cursor = RunningCursor(0, parent_path=(1, 2))
    element = Element()
    element.markdown.body = "a spinner's text"
    cursor.transient_elements[0] = element
    twin = copy.deepcopy({0: cursor})[0]
    assert type(twin) is RunningCursor and twin.delta_path == cursor.delta_path
    assert twin.transient_elements[0] == element and twin.transient_elements[0] is not element
    cursor.transient_elements[0].markdown.body = "changed later"
    assert twin.transient_elements[0].markdown.body == "a spinner's text"


def test_the_thread_pool_is_made_by_the_first_parallel_fragment():
    pool = rerun_overhead.PoolOnFirstUse()
    pool.shutdown(wait=True, cancel_futures=True)  # a run without parallel fragments: nothing to stop
    assert pool._pool is None
    assert pool.submit(lambda a, b: a + b, 2, 3).result(timeout=5) == 5
    assert pool._pool is not None
    ran_in = pool.submit(threading.current_thread).result(timeout=5)
    assert ran_in is not threading.current_thread()
    pool.shutdown(wait=True)
    with pytest.raises(RuntimeError):  # shut down as a ThreadPoolExecutor is
        pool.submit(print)


def test_parallel_fragments_still_run_and_draw():
    def app():
        import streamlit as st

        from explorer.ui import rerun_overhead

        rerun_overhead.install()

        @st.fragment(parallel=True)
        def part(i: int) -> None:
            st.write(f"part {i} drawn")

        for i in range(3):
            part(i)
        st.write("after the parts")

    at = AppTest.from_function(app).run(timeout=30)
    assert not at.exception
    assert sorted(m.value for m in at.markdown) == ["after the parts", "part 0 drawn", "part 1 drawn", "part 2 drawn"]


def test_a_cached_function_reads_its_argument_names_once(monkeypatch):
    reads = []
    original = cache_utils.type_util.get_func_parameters

    def counted(func):
        reads.append(func)
        return original(func)

    monkeypatch.setattr(cache_utils.type_util, "get_func_parameters", counted)

    @st.cache_data
    def double(n: int, *, unused: int = 0) -> int:
        return 2 * n

    assert [double(n) for n in (1, 2, 3, 2)] == [2, 4, 6, 4]
    rerun_overhead.install()  # as the entry script does on every run: the names read stay read
    assert double(5) == 10
    assert len(reads) == 1  # read on every call before: five


def test_the_argument_names_are_still_right():
    def plain(a, b, /, c, *rest, d=0, **more):
        return a

    assert [cache_utils._get_positional_arg_name(plain, i) for i in (-1, 0, 1, 2, 3, 4)] == [None, "a", "b", "c", None, None]


SCRIPT = '''
import streamlit as st

@st.cache_data
def triple(n: int) -> int:
    return {factor} * n
'''


def test_a_page_scripts_cached_function_is_keyed_from_its_source_once(tmp_path, monkeypatch):
    page = tmp_path / "page.py"
    page.write_text(SCRIPT.format(factor=3))
    code = compile(page.read_text(), str(page), "exec")
    reads = []
    original = cache_utils.inspect.getsource
    monkeypatch.setattr(cache_utils.inspect, "getsource", lambda obj: reads.append(obj) or original(obj))

    runs = []
    for _ in range(3):  # three full runs of the page: its decorator line runs each time, on the same code
        namespace = {"__name__": "__page__"}
        exec(code, namespace)
        runs.append(namespace["triple"])
    assert [f(7) for f in runs] == [21, 21, 21]
    assert len({f._function_key for f in runs}) == 1  # one cache for every run, as Streamlit keys it
    assert len(reads) == 1  # read and hashed on every run before: three

    page.write_text(SCRIPT.format(factor=4))  # an edited page compiles to new code: a new key, a new cache
    edited = {"__name__": "__page__"}
    exec(compile(page.read_text(), str(page), "exec"), edited)
    assert edited["triple"](7) == 28
    assert edited["triple"]._function_key != runs[0]._function_key


def test_the_memos_keep_no_run_alive(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(SCRIPT.format(factor=5))
    code = compile(page.read_text(), str(page), "exec")
    runs = [{"__name__": "__page__"}, {"__name__": "__page__"}]
    for namespace in runs:  # two full runs: each one's key and argument names go through the memos
        exec(code, namespace)
        assert namespace["triple"](2) == 10
    first = weakref.ref(runs[0]["triple"].__wrapped__)  # the first run's function, holding that run's globals
    del runs[0]
    gc.collect()
    assert first() is None  # a memo kept it before (up to 4,096 runs' globals)


WIDGET_VALUES = [None, True, 3, 2.5, "text", [], [1.0, 2.0, float("nan")], [[1, 2], [3, 4]], [{"a": 1}], {},
                 {"x": 1}, {"x": [1, 2]}, {"x": {"y": 1}}, {"x": (1, 2)}, (1, 2)]


@pytest.mark.parametrize("value", WIDGET_VALUES, ids=repr)
def test_a_widget_data_value_is_a_dataframe_exactly_when_streamlit_says_so(value):
    assert rerun_overhead.dataframe_like(value) is rerun_overhead._ASK_IN_FULL(value) is False


def test_dataframes_in_a_widget_data_are_still_found():
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2]})
    for value in (frame, frame["a"], {"a": frame["a"], "b": frame["a"]}, np.zeros((2, 2))):
        assert rerun_overhead.dataframe_like(value) is rerun_overhead._ASK_IN_FULL(value) is True
    blobs: dict = {}
    out = serialization._extract_dataframes_from_dict({"points": [1.0, 2.0], "table": frame}, blobs)
    assert out["points"] == [1.0, 2.0] and len(blobs) == 1 and list(out["table"]) == [serialization.ARROW_REF_KEY]


def test_a_plain_list_is_not_searched(monkeypatch):
    asked = []
    monkeypatch.setattr(rerun_overhead, "_ASK_IN_FULL", lambda v: asked.append(v) or False)
    serialization._extract_dataframes_from_dict({"points": list(range(1000)), "style": {"size": 3}, "n": 4}, {})
    assert asked == []


def test_a_kept_figure_goes_out_as_the_json_written_when_it_was_made():
    def app():
        import streamlit as st

        from explorer.figures.spec import WrittenFigure
        from explorer.ui import rerun_overhead

        rerun_overhead.install()
        kept = WrittenFigure({"data": [{"type": "scatter", "x": [1, 2], "y": [3, 4]}], "layout": {"height": 300}})
        st.plotly_chart(kept)
        kept.to_dict().json = kept.to_dict().json.replace('"height":300', '"height":301')  # what was written is sent
        st.plotly_chart(kept, key="again")
        st.plotly_chart({"data": [{"type": "bar", "x": [1], "y": [2]}]})  # a plain figure is written as before

    at = AppTest.from_function(app).run(timeout=30)
    assert not at.exception
    import json

    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert specs[0]["layout"]["height"] == 300 and specs[1]["layout"]["height"] == 301
    assert specs[0]["data"] == [{"type": "scatter", "x": [1, 2], "y": [3, 4]}] and specs[2]["data"][0]["type"] == "bar"
