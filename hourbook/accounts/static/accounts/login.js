// Login page: 换一张 fetches a new captcha in place. Without this file the link reloads the page, which
// shows a new captcha too.
document.addEventListener("DOMContentLoaded", () => {
  const link = document.getElementById("captcha-refresh");
  const image = document.getElementById("captcha-img");
  const key = document.getElementById("id_captcha_key");
  const answer = document.getElementById("id_captcha");
  if (!link || !image || !key) return;
  const refresh = async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(link.dataset.refreshUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      key.value = data.key;
      image.src = data.image_url;
      if (answer) {
        answer.value = "";
        answer.focus();
      }
    } catch {
      window.location.href = link.href;
    }
  };
  link.addEventListener("click", refresh);
  image.addEventListener("click", refresh);
});
