// Keeps a background run's state up to date on the page that shows it: its status while it
// waits and runs; once it has finished the page reloads to show how it ended.
const panel = document.querySelector("[data-run-status]");
const poll = async () => {
  const response = await fetch(panel.dataset.runStatus, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const run = await response.json();
  if (run.finished) {
    window.location.reload();
    return;
  }
  panel.querySelector("[data-status]").textContent = run.status_label;
  window.setTimeout(poll, 2000);
};
if (panel) window.setTimeout(poll, 1000);
