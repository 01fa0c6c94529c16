// While the brand kit is being read, poll its status and reload when it is done; on the first
// run, the first ads start by themselves once it is.
const section = document.querySelector("[data-brand-status]");
if (section && section.dataset.extracting === "true") {
  const id = section.dataset.brandStatus;
  const poll = async () => {
    try {
      const response = await fetch(`/api/v1/brands/${id}`, { credentials: "same-origin" });
      if (response.ok) {
        const brand = await response.json();
        const status = brand.extraction_status || {};
        for (const badge of section.querySelectorAll("[data-step]")) {
          const value = status[`${badge.dataset.step}_status`];
          if (value) { badge.className = `badge ${value}`; badge.textContent = `${badge.textContent.split(":")[0]}: ${value}`; }
        }
        if (status.overall && status.overall !== "pending") {
          const first = section.querySelector("[data-first-ads]");
          // Ads only from a kit that was read (fully or in part); an error is shown instead.
          if (first && status.overall !== "error") { first.querySelector("button").disabled = false; first.submit(); return; }
          window.location.reload();
          return;
        }
      }
    } catch (_) { /* try again */ }
    setTimeout(poll, 1500);
  };
  setTimeout(poll, 1000);
}
