// Keeps an import batch's progress bar up to date while it runs, then shows the summary.
const panel = document.querySelector("[data-import-progress]");
if (panel) {
  const bar = panel.querySelector("progress");
  const show = (name, value) => {
    panel.querySelector(`[data-${name}]`).textContent = value;
  };
  const poll = async () => {
    const response = await fetch(panel.dataset.importProgress, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const progress = await response.json();
    if (progress.finished) {
      window.location.reload();
      return;
    }
    bar.value = progress.percent;
    bar.textContent = `${progress.percent}%`;
    show("status", progress.status_label);
    show("rows-read", progress.rows_read.toLocaleString("en-GB"));
    show("rows-expected", progress.rows_expected.toLocaleString("en-GB"));
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1000);
}
