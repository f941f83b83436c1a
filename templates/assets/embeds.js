// Click-to-load for embeds: a video or allow-listed iframe is a plain link until the reader clicks it, so
// no third-party request is made while reading. Without JavaScript the link opens the original page.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-embed-src]") : null;
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const frame = document.createElement("iframe");
  frame.src = link.dataset.embedSrc;
  frame.title = link.dataset.embedTitle || "Embedded content";
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.allowFullscreen = true;
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  link.replaceWith(frame);
  frame.focus();
});
