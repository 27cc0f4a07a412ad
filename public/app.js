// Progressive enhancement for the hosted screens. Every page works without
// this file; the server checks everything again.
(function () {
  'use strict';

  // Focus: the error summary after a failed submit, else the OK of a message.
  var summary = document.querySelector('[data-error-summary]');
  var ok = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
  else if (ok && document.activeElement !== ok) ok.focus();

  // Error summary links move focus to the field, not only scroll to it.
  document.querySelectorAll('[data-error-summary] a[href^="#"]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      var field = document.getElementById(link.getAttribute('href').slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
    });
  });

  setPassword();
  copyKey();

  // Print the recovery codes.
  var print = document.querySelector('[data-print]');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }

  /** Live criteria on the set-password page, and the show/hide toggle. */
  function setPassword() {
    var list = document.getElementById('criteria');
    var form = document.querySelector('form[data-min]');
    if (!list || !form) return;
    var password = form.querySelector('#password');
    var confirm = form.querySelector('#confirm');
    var status = document.querySelector('[data-criteria-status]');
    var min = Number(form.dataset.min);
    var max = Number(form.dataset.max);
    var labels = { met: list.dataset.met, unmet: list.dataset.unmet };
    var last = {};

    function mark(name, met, announce) {
      var item = list.querySelector('[data-criterion="' + name + '"]');
      item.classList.toggle('is-met', met === true);
      item.classList.toggle('is-unmet', met === false);
      item.querySelector('.criteria__state').textContent = met === null ? '' : met ? labels.met : labels.unmet;
      // Announce a criterion only when it flips, not at every keystroke.
      if (announce && last[name] !== undefined && last[name] !== met && met !== null) {
        status.textContent = item.querySelector('.criteria__text').textContent + ': ' + (met ? labels.met : labels.unmet);
      }
      last[name] = met;
    }

    function update(announce) {
      // Length in Unicode code points, as the server counts it.
      var length = Array.from(password.value).length;
      mark('length', length === 0 ? null : length >= min && length <= max, announce);
      mark('match', confirm.value === '' ? null : confirm.value === password.value, announce);
    }

    ['common', 'personal'].forEach(function (name) {
      list.querySelector('[data-criterion="' + name + '"] .criteria__state').textContent = list.dataset.onSubmit;
    });
    list.querySelector('[data-criterion="match"]').hidden = false;
    password.addEventListener('input', function () { update(true); });
    confirm.addEventListener('input', function () { update(true); });
    update(false);

    var toggleField = form.querySelector('[data-show-password-field]');
    var toggle = form.querySelector('[data-show-password]');
    toggleField.hidden = false;
    toggle.addEventListener('change', function () {
      password.type = confirm.type = toggle.checked ? 'text' : 'password';
    });
    // Never submit a visible password field: some browsers would offer to remember it as plain text.
    form.addEventListener('submit', function () {
      password.type = confirm.type = 'password';
    });
  }

  /** Copy button for the authenticator key (copied without the spaces that group it). */
  function copyKey() {
    var button = document.querySelector('[data-copy]');
    var status = document.querySelector('[data-copied]');
    if (!button || !navigator.clipboard) return;
    var key = document.getElementById(button.dataset.copy);
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(key.textContent.replace(/\s+/g, '')).then(function () {
        status.textContent = status.dataset.copied;
      }, function () {
        // No clipboard access: select the key so the user can copy it themselves.
        var range = document.createRange();
        range.selectNodeContents(key);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      });
    });
  }
})();
