// The job page: live progress from the job's event stream, then a review one ad at a time.
// Each choice is sent as it is made, so an interrupted review loses nothing already decided.
const job = document.querySelector("[data-job]");
const review = document.querySelector("[data-review]");
if (job && review) {
  const id = job.dataset.job;
  const statusBadge = job.querySelector("[data-status]");
  const progressText = job.querySelector("[data-progress-text]");
  const bar = job.querySelector("[data-progress-bar]");
  const progressBox = job.querySelector("[role=progressbar]");
  const done = review.querySelector("[data-review-done]");
  const queue = [...review.querySelectorAll("[data-image]")];
  let current = null;

  const show = () => {
    if (current) return;
    current = queue.shift() || null;
    if (current) { current.hidden = false; current.querySelector("button").focus(); }
    else if (job.dataset.finished === "true") done.hidden = false;
  };
  const event = async (imageID, type) => {
    const body = { events: [{ id: `${imageID}:${type}`, type, ad_image_id: imageID }] };
    await fetch("/api/v1/ad-events", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).catch(() => {});
  };
  let busy = false;
  const act = async (figure, action) => {
    // The link downloads; the ad stays on screen for a decision. One decision at a time.
    if (action === "download" || busy) return;
    busy = true;
    const imageID = figure.dataset.image;
    try {
      const response = action === "save"
        ? await fetch(`/api/v1/ad-images/${imageID}/save`, { method: "POST", credentials: "same-origin" })
        : await fetch(`/api/v1/ad-images/${imageID}`, { method: "DELETE", credentials: "same-origin" });
      if (!response.ok) return; // the ad stays, so the choice can be made again
      event(imageID, action === "save" ? "review_kept" : "review_discarded");
      figure.hidden = true;
      current = null;
      show();
    } catch (_) {
      /* offline: the ad stays on screen */
    } finally {
      busy = false;
    }
  };
  review.addEventListener("click", (e) => {
    const button = e.target.closest("[data-action]");
    if (!button || button.tagName === "A") return;
    act(button.closest("[data-image]"), button.dataset.action);
  });
  document.addEventListener("keydown", (e) => {
    if (!current || e.target.matches("input, textarea, select")) return;
    if (e.key === "ArrowRight") act(current, "save");
    else if (e.key === "ArrowLeft") act(current, "delete");
    else if (e.key === "ArrowDown") { e.preventDefault(); current.querySelector("[data-action=download]").click(); }
  });
  let touchX = null;
  review.addEventListener("touchstart", (e) => { touchX = e.touches[0].clientX; }, { passive: true });
  review.addEventListener("touchend", (e) => {
    if (touchX === null || !current) return;
    const dx = e.changedTouches[0].clientX - touchX;
    if (Math.abs(dx) > 60) act(current, dx > 0 ? "save" : "delete");
    touchX = null;
  });

  const add = (image) => {
    // The stream sends every image of the job, the ones already decided on included.
    if (image.is_saved || image.delete_at || review.querySelector(`[data-image="${image.id}"]`)) return;
    const figure = document.createElement("figure");
    figure.className = "ad card";
    figure.dataset.image = image.id;
    figure.hidden = true;
    const img = document.createElement("img");
    img.src = image.public_url;
    img.alt = `Ad: ${image.title || "new ad"}`;
    const caption = document.createElement("figcaption");
    caption.className = "meta";
    caption.textContent = image.title || "";
    const actions = document.createElement("div");
    actions.className = "actions";
    actions.innerHTML = `<button type="button" data-action="save">Save</button><button type="button" class="danger" data-action="delete">Delete</button><a class="button secondary" data-action="download" href="/api/v1/ad-images/${image.id}/download">Download</a>`;
    figure.append(img, caption, actions);
    review.insertBefore(figure, done);
    queue.push(figure);
    show();
  };
  if (job.dataset.finished !== "true") {
    const stream = new EventSource(`/api/v1/generation-jobs/${id}/events`);
    stream.addEventListener("image", (e) => add(JSON.parse(e.data)));
    stream.addEventListener("progress", (e) => {
      const p = JSON.parse(e.data);
      progressText.textContent = `${p.done} of ${p.expected} ads ready`;
      progressBox.setAttribute("aria-valuenow", p.done);
      progressBox.setAttribute("aria-valuemax", p.expected);
      bar.style.width = `${p.expected ? Math.round((100 * p.done) / p.expected) : 0}%`;
    });
    stream.addEventListener("finished", (e) => {
      statusBadge.textContent = JSON.parse(e.data).status;
      job.dataset.finished = "true";
      stream.close();
      show();
    });
    stream.onerror = () => { if (job.dataset.finished === "true") stream.close(); };
  }
  show();
}
