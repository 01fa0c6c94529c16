// The price updates as the archetype and formats change, from the same quote the server charges.
const form = document.querySelector("[data-quote]");
if (form) {
  const text = form.querySelector("[data-quote-text]");
  const update = async () => {
    const formats = [...form.querySelectorAll("input[name=formats]:checked")].map((input) => input.value);
    const archetype = form.querySelector("input[name=archetype_code]:checked");
    if (formats.length === 0) { text.textContent = "Choose at least one format."; return; }
    const body = { formats, archetype_code: archetype ? archetype.value : undefined };
    try {
      const response = await fetch("/api/v1/pricing/quote", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      if (!response.ok) return;
      const quote = await response.json();
      text.textContent = `${quote.expected_ads} ads · ${quote.price} tokens`;
    } catch (_) { /* the server checks the price anyway */ }
  };
  form.addEventListener("change", update);
}
