"""Work Streamlit 1.67 redoes on every rerun that need not be redone (fixes; every server process installs them).

**A fragment's snapshot.** Every call of an ``st.fragment`` function deep-copies the run's cursors
and its stack of open containers, so that a later run of that fragment alone draws in the same
place. ``DeltaGenerator.__deepcopy__`` ignores the memo: each container on the stack copies its
whole parent chain again (a stack of depth d makes d(d+1)/2 copies), and each cursor goes through
``copy``'s generic reduce path: on Denoise and inpaint, 6% of the time a rerun held the GIL.
With the memo passed on, each container is copied once per snapshot, and a parent the stack holds
is the same object in the copy as in the original; a cursor copies its position (ints and a tuple
of ints) and deep-copies anything else it holds.

**A thread pool per run.** Every run makes a ``ThreadPoolExecutor`` for parallel fragments
(``st.fragment(parallel=True)``), which no page of ours uses: the pool is now made on the first
fragment it is given.

**A cached function's signature.** Every call of an ``st.cache_data`` / ``st.cache_resource``
function reads the function's signature (``inspect.signature``) once per argument to name it in
the cache key: the names are now read once per compiled function.

**A cached function's own key.** A page script's ``@st.cache_data`` line runs again on every full
run, and Streamlit reads and hashes the function's source each time (``inspect.getsource``; 3.5% of
a full run of Logits → softmax): the key is now made once per compiled function.

**A widget's data searched for dataframes.** Every mount of a Components-v2 widget asks, for each value
at the top of its ``data`` dict, whether it is a dataframe: some twenty type tests per value, and pandas'
``infer_dtype`` over every element of a list (1.5 ms on the latent map's first mount, with its 1,000 codes; 0.1 ms
on later ones). A list, a string, a
number, a bool or None never is, and a dict only when its first value is not one of those (a dict of pandas
Series): those are now answered from their type, anything else asked as before.

**A kept figure's JSON.** ``st.plotly_chart`` writes a figure's JSON on every call: for the latent page's
grid of 400 decoded digits (one 190 KB image, the same in every run) 1.9 ms, a tenth of the run. A figure made once
and kept (:class:`explorer.figures.spec.WrittenFigure`) carries its JSON, written when it was made, and that
is what is sent (from the first full run after a page has used the figure specs).
"""

from __future__ import annotations

import copy
import inspect
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from streamlit.components.v2.bidi_component import serialization
from streamlit.cursor import Cursor, SparseList
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime import parallel_coordinator
from streamlit.runtime.caching import cache_utils

_ATOMS = (int, str, tuple, type(None))  # a cursor's position: immutable, so the copy may share it
_PLAIN = frozenset((list, str, int, float, bool, type(None)))  # JSON's own types: never a dataframe
_NOT_A_COLUMN = _PLAIN | {dict, tuple}  # a dict whose first value is one of these is no mapping of columns
_ASK_IN_FULL = serialization.is_dataframe_like  # what a widget's data value is asked without the fix
_ORIGINAL: dict[str, Any] = {}  # plotly.io.to_json and the kept figure's type, once plotly is in use


def _delta_generator_copy(self: DeltaGenerator, memo: dict[int, Any]) -> DeltaGenerator:
    dg = DeltaGenerator(root_container=self._root_container, cursor=copy.deepcopy(self._cursor, memo),
                        parent=copy.deepcopy(self._parent, memo), block_type=self._block_type)
    dg._form_data = copy.deepcopy(self._form_data, memo)
    dg._creating_fragment_id = self._creating_fragment_id
    return dg


def _cursor_copy(self: Cursor, memo: dict[int, Any]) -> Cursor:
    twin = object.__new__(type(self))
    for name, value in vars(self).items():
        setattr(twin, name, value if isinstance(value, _ATOMS) else copy.deepcopy(value, memo))
    return twin


def _sparse_list_copy(self: SparseList, memo: dict[int, Any]) -> SparseList:
    twin = SparseList()
    twin._data = {i: copy.deepcopy(item, memo) for i, item in self._data.items()}  # usually empty
    return twin


def dataframe_like(value: object) -> bool:
    """``is_dataframe_like`` for a value of a widget's data, the same answer: JSON's own types from their type."""
    kind = type(value)
    if kind in _PLAIN:
        return False
    if kind is dict and (not value or type(next(iter(value.values()))) in _NOT_A_COLUMN):
        return False  # a mapping of column -> Series is the only dict Streamlit takes for a dataframe
    return _ASK_IN_FULL(value)


def to_json(fig, *args, **kwargs) -> str:
    """``plotly.io.to_json``, which st.plotly_chart calls on every run: a kept figure's JSON as it was written."""
    if type(fig) is _ORIGINAL["kept"] and not args and kwargs == {"validate": False}:
        return fig.json
    return _ORIGINAL["to_json"](fig, *args, **kwargs)


def _send_kept_json() -> None:
    """Patched once the figure specs are in use (importing plotly with the server would slow every cold start)."""
    spec = sys.modules.get("explorer.figures.spec")
    if spec is None or _ORIGINAL:
        return
    import plotly.io

    _ORIGINAL.update(to_json=plotly.io.to_json, kept=spec.WrittenSpec)
    plotly.io.to_json = to_json


class PoolOnFirstUse:
    """A ThreadPoolExecutor's submit and shutdown, with the pool made by the first submit."""

    def __init__(self, max_workers: int | None = None) -> None:
        self._max_workers = max_workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()  # a nested fragment may submit from a worker thread

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._max_workers)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            pool = self._pool
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def once_per_code(original, func_at: int):
    """``original`` memoised by the compiled code of its function argument (at ``func_at``) and its other
    arguments, not by the function object: a page script's ``@st.cache_data`` line runs again on every full run,
    making a new function from the same code each time. Holding code, not functions, keeps no run's globals alive."""
    memo: dict[tuple, Any] = {}

    def once(*args):
        func = inspect.unwrap(args[func_at])  # what Streamlit reads the source and signature of
        code = getattr(func, "__code__", None)
        if code is None:
            return original(*args)
        key = (code, func.__module__, func.__qualname__, *args[:func_at], *args[func_at + 1:])
        if key not in memo:  # the answer may be None
            memo[key] = original(*args)
        return memo[key]

    return once


# one memo each for the process (install() runs on every full run)
_ARG_NAME_ONCE = once_per_code(cache_utils._get_positional_arg_name, 0)  # (func, index) -> name
_KEY_ONCE = once_per_code(cache_utils._make_function_key, 1)  # (cache type, func) -> the cache's key


def install() -> None:
    """Install the fixes (idempotent)."""
    DeltaGenerator.__deepcopy__ = _delta_generator_copy
    Cursor.__deepcopy__ = _cursor_copy
    SparseList.__deepcopy__ = _sparse_list_copy
    parallel_coordinator.ThreadPoolExecutor = PoolOnFirstUse
    cache_utils._get_positional_arg_name = _ARG_NAME_ONCE
    cache_utils._make_function_key = _KEY_ONCE
    serialization.is_dataframe_like = dataframe_like
    _send_kept_json()
