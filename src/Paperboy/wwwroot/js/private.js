// The private-paper form: choosing a PDF asks the server what it says (nothing is stored) and fills
// the fields that are still empty, so the member can correct them before saving.
(() => {
  const form = document.querySelector('form[data-private-upload]');
  if (!form) return;
  const file = form.querySelector('input[type=file]');
  const status = form.querySelector('[data-preview-status]');
  file.addEventListener('change', async () => {
    if (!file.files.length) return;
    const body = new FormData();
    body.append('file', file.files[0]);
    status.textContent = 'Reading the PDF…';
    try {
      const token = form.querySelector('input[name=__RequestVerificationToken]').value;
      const response = await fetch('/api/papers/private/preview', { method: 'POST', body, headers: { 'X-CSRF-TOKEN': token } });
      const answer = await response.json();
      if (!response.ok) { status.textContent = answer.detail || 'The PDF could not be read.'; return; }
      for (const name of ['title', 'abstract']) {
        const field = form.querySelector(`[name=${name}]`);
        if (!field.value && answer[name]) field.value = answer[name];
      }
      status.textContent = 'Read from the PDF: check the title and abstract before saving.';
    } catch {
      status.textContent = 'The PDF could not be read here; it will be read when you save.';
    }
  });
})();
