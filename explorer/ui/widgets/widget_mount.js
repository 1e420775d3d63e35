// Mounting shared by the live widgets (joined into each one's module): one widget per parentElement,
// updated in place when a rerun re-mounts the same shape, rebuilt (keeping focus) when the shape changes.
const WIDGETS = new WeakMap(); // parentElement -> the widget mounted there (Streamlit re-mounts without cleanup)

function showError(root, err, kind) {
  console.error(`${kind.name} failed`, err);
  const box = document.createElement("div");
  box.className = kind.errorClass;
  box.textContent = kind.errorText;
  root.appendChild(box);
  return { shape: "", update() {}, focused: () => null, focus() {}, destroy: () => box.remove() };
}

function mountInPlace(parentElement, data, setTriggerValue, kind) {
  let widget = WIDGETS.get(parentElement);
  if (widget && widget.shape === kind.shapeOf(data)) widget.update(data, setTriggerValue);
  else {
    const focus = widget ? widget.focused() : null;
    if (widget) widget.destroy();
    try {
      widget = kind.create(parentElement, data, setTriggerValue);
    } catch (err) {
      widget = showError(parentElement, err, kind);
    }
    WIDGETS.set(parentElement, widget);
    if (focus) widget.focus(focus);
  }
  return widget;
}

function mountSafely({ parentElement, data, setTriggerValue }, kind) {
  if (!data) return () => {};
  let mine = null;
  try { // an error here must stay in this widget: thrown into Streamlit's page it would blank the whole app
    mine = kind.mount(parentElement, data, setTriggerValue);
  } catch (err) {
    try { WIDGETS.get(parentElement)?.destroy(); } catch (ignored) { /* the broken widget may not clean up */ }
    mine = showError(parentElement, err, kind);
    WIDGETS.set(parentElement, mine);
  }
  return () => { // Streamlit calls this when the widget leaves the page
    if (mine && WIDGETS.get(parentElement) === mine) {
      try { mine.destroy(); } catch (err) { console.error(`${kind.name} cleanup failed`, err); }
      WIDGETS.delete(parentElement);
    }
  };
}
