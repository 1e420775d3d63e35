// Softmax with a temperature, cross-entropy and its gradient in float64, in the order explorer/softmax.py
// (torch) computes them: scaled = z / T, the max subtracted before exp, log-softmax through log-sum-exp.
// live_softmax.py joins this file with live_softmax_draw.js and live_softmax.js into one ES module.

function scaledLogits(z, T) {
  return z.map((v) => v / T);
}

function softmaxT(z, T) { // p_k = exp(z_k / T) / sum_j exp(z_j / T)
  const s = scaledLogits(z, T), top = Math.max(...s);
  const e = s.map((v) => Math.exp(v - top)); // minus the max: exp never overflows
  let sum = 0;
  for (const v of e) sum += v;
  return e.map((v) => v / sum);
}

function logSoftmaxT(z, T) { // log p_k = z_k / T − logsumexp(z / T): a tiny p gives a large finite log, not −∞
  const s = scaledLogits(z, T), top = Math.max(...s);
  let sum = 0;
  for (const v of s) sum += Math.exp(v - top);
  const lse = Math.log(sum) + top; // torch.logsumexp: log of the shifted sum, then the max added back
  return s.map((v) => v - lse);
}

function crossEntropyT(z, target, T) { // −log p_target
  return -logSoftmaxT(z, T)[target];
}

function crossEntropyGrad(probs, target, T) { // d CE / d z = (softmax(z / T) − one_hot) / T, from the softmax
  return probs.map((p, k) => (p - (k === target ? 1 : 0)) / T);
}

// Everything the charts and the live numbers show, for logits z (10), temperature T and the true class.
function softmaxStats(z, T, target) {
  const probs = softmaxT(z, T);
  return { probs, loss: crossEntropyT(z, target, T), grad: crossEntropyGrad(probs, target, T) };
}
