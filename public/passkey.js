// Passkey forms (views/partials/passkey-form.ejs): fetch the ceremony's options,
// ask the authenticator, put its answer in the form and submit it. Browsers
// without WebAuthn JSON support keep the form hidden and show the note instead.
(function () {
  'use strict';
  var supported = window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON && PublicKeyCredential.parseRequestOptionsFromJSON;
  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    if (!supported) return;
    form.hidden = false;
    var fallback = form.parentNode.querySelector('[data-passkey-fallback]');
    if (fallback) fallback.hidden = true;
    var error = form.querySelector('[data-passkey-error]');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (error) error.hidden = true;
      fetch(form.dataset.options, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (res) { if (!res.ok) throw new Error('options ' + res.status); return res.json(); })
        .then(function (options) {
          return form.dataset.passkey === 'register'
            ? navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
            : navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        })
        .then(function (credential) {
          form.elements.response.value = JSON.stringify(credential.toJSON());
          form.submit();
        })
        .catch(function () { if (error) error.hidden = false; });
    });
  });
})();
