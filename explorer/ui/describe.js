// Names a Plotly chart for screen readers: Plotly's SVG has no accessible name, so its Streamlit
// container gets role="img" (or "figure" around a toolbar), aria-label and aria-describedby
// (the "In words" line under it).
// Streamlit re-creates the chart's inner elements when the figure changes and re-calls this module
// without the old cleanup, so one MutationObserver per chart re-applies the names, replaced per mount.
const WATCHERS = new Map(); // chart key class -> its observer

function apply(data) {
  const host = document.querySelector(`.${CSS.escape(data.target)}`);
  const chart = host?.querySelector('[data-testid="stPlotlyChart"]');
  if (!chart) return;
  // a chart with a toolbar holds buttons, which role="img" would hide: it is then a named figure
  const role = chart.querySelector('a[href], button, input, [tabindex]:not([tabindex="-1"])') ? "figure" : "img";
  const want = { role, "aria-label": data.name, "aria-describedby": data.described_by };
  for (const [attr, value] of Object.entries(want)) {
    if (chart.getAttribute(attr) !== value) chart.setAttribute(attr, value);
  }
}

export default function mount({ data }) {
  if (!data || !data.target) return undefined;
  WATCHERS.get(data.target)?.disconnect();
  apply(data);
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const watcher = new MutationObserver(() => apply(data)); // attribute writes fire no childList record
  watcher.observe(main, { childList: true, subtree: true });
  WATCHERS.set(data.target, watcher);
  return () => {
    watcher.disconnect();
    if (WATCHERS.get(data.target) === watcher) WATCHERS.delete(data.target);
  };
}
