// A page that lacks a widget's shared data asks the server for it. The answer can be lost: a newer run can cut
// the run that carried it, and that newer run sends the same data again, which Streamlit does not re-mount. So the
// page asks again until the data is there, saying meanwhile that it is on its way.
const ASKING = new WeakMap(); // parentElement -> { id, tries, timer, box }
const ASK_EVERY_MS = 1500;
const ASK_TRIES = 8;

function stopAsking(parentElement) {
  const asking = ASKING.get(parentElement);
  if (!asking) return;
  clearTimeout(asking.timer);
  asking.box.remove();
  ASKING.delete(parentElement);
}

// kind: waitClass and waitText (shown while asking), lostText (shown when no answer came after every try).
function askFor(parentElement, id, has, setTriggerValue, kind) {
  if (ASKING.get(parentElement)?.id === id) return; // already asking: a re-mount with the same data
  stopAsking(parentElement);
  const box = document.createElement("p");
  box.className = kind.waitClass;
  box.setAttribute("role", "status");
  box.textContent = kind.waitText;
  parentElement.appendChild(box);
  const asking = { id, tries: 0, timer: 0, box };
  ASKING.set(parentElement, asking);
  const ask = () => {
    if (asking.tries > 0 && (has(id) || !parentElement.isConnected)) return stopAsking(parentElement);
    if (asking.tries === ASK_TRIES) {
      box.textContent = kind.lostText;
      return;
    }
    asking.tries += 1;
    setTriggerValue("missing", `${id}#${asking.tries}`); // a new value each time: a trigger, not a state
    asking.timer = setTimeout(ask, ASK_EVERY_MS);
  };
  ask();
}
