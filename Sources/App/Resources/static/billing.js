// Until the payment's webhook has been processed, ask the page again every two seconds and show
// the confirmed balance once it is there.
const box = document.querySelector("[data-billing-return]");
if (box && !box.hasAttribute("data-confirmed")) {
  let tries = 0;
  const poll = async () => {
    tries += 1;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (response.ok) {
        const next = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-billing-return][data-confirmed]");
        if (next) {
          box.querySelector("[data-billing-text]").textContent = next.querySelector("[data-billing-text]").textContent;
          box.querySelector("[data-balance]").textContent = next.querySelector("[data-balance]").textContent;
          const nav = document.querySelector("[data-nav-balance]");
          if (nav) nav.textContent = `${next.querySelector("[data-balance]").textContent} tokens`;
          box.setAttribute("data-confirmed", "");
          return;
        }
      }
    } catch (_) { /* try again */ }
    if (tries < 60) setTimeout(poll, 2000);
    else box.querySelector("[data-billing-text]").textContent = "Still waiting for the payment to be confirmed; refresh in a minute.";
  };
  setTimeout(poll, 1500);
}
