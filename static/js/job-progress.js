// A job's page: move the bar every second while the job runs, then show the report.
(() => {
  const card = document.querySelector("[data-job-progress]");
  if (!card || !["queued", "running"].includes(card.dataset.jobState)) return;
  const bar = card.querySelector("[data-job-bar]");
  const label = card.querySelector("[data-job-label]");
  const count = card.querySelector("[data-job-count]");
  const poll = async () => {
    let state;
    try {
      const response = await fetch(card.dataset.jobProgress, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.status);
      state = await response.json();
    } catch (error) {
      setTimeout(poll, 3000); // a dropped connection: try again, a little later
      return;
    }
    bar.value = state.percent;
    bar.textContent = `${state.percent}%`;
    label.textContent = state.state_label;
    if (state.total) count.textContent = `${state.done} / ${state.total}`;
    if (state.active) setTimeout(poll, 1000);
    else window.location.reload(); // the report and the download link come with the page
  };
  setTimeout(poll, 1000);
})();
