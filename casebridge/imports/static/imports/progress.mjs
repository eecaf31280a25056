// Keeps an import batch's page up to date while it runs: the progress bar while rows are checked
// and loaded (then the page reloads for the summary), and the identity resolution line while
// the people it recorded are matched (filled in with the outcome, no reload).
const poll = async (url, onProgress) => {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  if (onProgress(await response.json())) window.setTimeout(() => poll(url, onProgress), 1500);
};

const panel = document.querySelector("[data-import-progress]");
if (panel) {
  const bar = panel.querySelector("progress");
  const show = (name, value) => {
    panel.querySelector(`[data-${name}]`).textContent = value;
  };
  window.setTimeout(() => poll(panel.dataset.importProgress, (progress) => {
    if (progress.finished) {
      window.location.reload();
      return false;
    }
    bar.value = progress.percent;
    bar.textContent = `${progress.percent}%`;
    show("status", progress.status_label);
    show("rows-read", progress.rows_read.toLocaleString("en-GB"));
    show("rows-expected", progress.rows_expected.toLocaleString("en-GB"));
    return true;
  }), 1000);
}

const matching = document.querySelector("[data-import-matching]");
if (matching) {
  window.setTimeout(() => poll(matching.dataset.importMatching, (progress) => {
    if (progress.matching) return true;
    // The live region announces the outcome: linked, waiting for review, new.
    const outcome = progress.linkage || "Matching stopped before it finished.";
    matching.querySelector("[data-linkage]").textContent = outcome;
    if (progress.linkage) matching.querySelector("[data-refresh]").remove();
    return false;
  }), 1000);
}
