// The Access Tokens page. Plain JavaScript, no build step, no inline script (the page's
// Content-Security-Policy allows scripts from its own origin only). Everything the page shows is set as
// text (textContent), never parsed as HTML. A token's full value is never put into the page, except the
// new one that Add Token or Rotate shows once; Copy goes from the API's answer straight to the clipboard.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  const state = {
    csrf: '',
    organization: '',
    environments: [],
    pageSize: 25,
    cursors: [null], // cursors[i]: where page i starts
    pageIndex: 0,
    next: null,
    rows: [],
    editing: null, // { id, text } of the row whose description is being edited
    deleting: null, // { row, returnFocus }
    rotating: null, // { row, returnFocus }
  };

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // ---- the API ------------------------------------------------------------------------------------

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      headers['X-CSRF-Token'] = state.csrf;
    }
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'The server did not answer. Check your connection, then try again.');
    }
    if (response.status === 204) {
      return null;
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const code = data && typeof data.code === 'string' ? data.code : 'HTTP_' + response.status;
      const message = data && typeof data.message === 'string'
        ? data.message
        : 'The server answered with status ' + response.status + ' and no explanation.';
      throw new ApiError(response.status, code, message);
    }
    return data;
  }

  function tokensPath() {
    return 'api/organizations/' + encodeURIComponent(state.organization) + '/tokens';
  }

  function tokenPath(id) {
    return tokensPath() + '/' + encodeURIComponent(id);
  }

  // ---- messages -----------------------------------------------------------------------------------

  function say(text) {
    $('error-message').textContent = '';
    $('status-message').textContent = text;
  }

  function fail(errorOrText) {
    $('status-message').textContent = '';
    $('error-message').textContent = typeof errorOrText === 'string' ? errorOrText : errorOrText.message;
  }

  function showNote(text) {
    $('loading').hidden = true;
    $('page').hidden = true;
    $('note-text').textContent = text;
    $('note').hidden = false;
  }

  // An action on a row failed: say why, and show the table as it now is when the row changed under us.
  async function actionFailed(error) {
    if (error.code === 'NOT_ENTITLED') {
      showNote(error.message);
      return;
    }
    fail(error);
    if (error.code === 'VERSION_CONFLICT' || error.code === 'TOKEN_NOT_FOUND' || error.code === 'NOT_ROTATABLE') {
      state.editing = null;
      await loadPage(state.pageIndex, true);
    }
  }

  /** The Expires column: Never, Expired, or the expiry to the minute in UTC. */
  function expiresLabel(row) {
    if (!row.expiresAt) {
      return 'Never';
    }
    if (row.expired) {
      return 'Expired';
    }
    return row.expiresAt.slice(0, 16).replace('T', ' ') + ' UTC';
  }

  /**
   * The Last used column: Never, or when a validator last accepted it, to the minute in UTC, and
   * "from" the connection's source address when the validating host passed one (set as text).
   */
  function lastUsedLabel(row) {
    if (!row.lastUsedAt) {
      return 'Never';
    }
    const at = row.lastUsedAt.slice(0, 16).replace('T', ' ') + ' UTC';
    return row.lastUsedFrom ? at + ' from ' + row.lastUsedFrom : at;
  }

  function statusLabel(status) {
    return status === 'ACTIVE' ? 'Active' : 'Inactive';
  }

  // ---- loading ------------------------------------------------------------------------------------

  async function boot() {
    wire();
    const requested = new URLSearchParams(window.location.search).get('organization');
    let context;
    try {
      context = await api('GET', 'api/context' + (requested ? '?organization=' + encodeURIComponent(requested) : ''));
    } catch (e) {
      $('loading').hidden = true;
      fail(e);
      return;
    }
    state.csrf = context.csrfToken;
    state.organization = context.organization;
    state.environments = context.environments;
    state.pageSize = context.pageSize;
    showContext(context);
    await loadPage(0, false);
  }

  function showContext(context) {
    $('actor').textContent = 'Signed in as ' + context.actor;
    const select = $('organization-select');
    select.replaceChildren();
    const organizations = context.organizations.includes(context.organization)
      ? context.organizations
      : [context.organization].concat(context.organizations);
    for (const organization of organizations) {
      select.append(new Option(organization, organization, false, organization === context.organization));
    }
    $('organization-area').hidden = false;

    const menu = $('add-environment');
    menu.replaceChildren(new Option('Choose an environment', ''));
    const filter = $('filter-environment');
    filter.replaceChildren(new Option('All environments', ''));
    for (const environment of context.environments) {
      menu.append(new Option(environment, environment));
      filter.append(new Option(environment, environment));
    }
    $('no-environments').hidden = context.environments.length > 0;
    $('add-submit').disabled = context.environments.length === 0;
  }

  // Loads page `index` of the table; keeps the messages unless `keepMessages` is false.
  async function loadPage(index, keepMessages) {
    const query = new URLSearchParams();
    const cursor = state.cursors[index];
    if (cursor) {
      query.set('after', cursor);
    }
    if ($('filter-environment').value) {
      query.set('environment', $('filter-environment').value);
    }
    if ($('filter-status').value) {
      query.set('status', $('filter-status').value);
    }
    query.set('pageSize', String(state.pageSize));
    $('tokens').setAttribute('aria-busy', 'true');
    let page;
    try {
      page = await api('GET', tokensPath() + '?' + query.toString());
    } catch (e) {
      $('loading').hidden = true;
      if (e.code === 'NOT_ENTITLED') {
        showNote(e.message);
      } else {
        fail(e);
      }
      return;
    } finally {
      $('tokens').setAttribute('aria-busy', 'false');
    }
    if (page.tokens.length === 0 && index > 0) {
      await loadPage(index - 1, true); // the last row of this page went away
      return;
    }
    if (!keepMessages) {
      say('');
    }
    state.pageIndex = index;
    state.cursors.length = index + 1;
    state.next = page.next;
    if (page.next) {
      state.cursors.push(page.next);
    }
    state.rows = page.tokens;
    $('loading').hidden = true;
    $('note').hidden = true;
    $('page').hidden = false;
    render();
  }

  // ---- the table ----------------------------------------------------------------------------------

  function render() {
    const body = $('token-rows');
    body.replaceChildren();
    for (const row of state.rows) {
      body.append(rowElement(row));
    }
    const filtered = $('filter-environment').value || $('filter-status').value;
    $('table-summary').textContent = 'Access tokens of organization ' + state.organization
      + (state.pageIndex > 0 || state.next ? ', page ' + (state.pageIndex + 1) : '');
    $('empty').hidden = state.rows.length > 0;
    $('empty').textContent = filtered
      ? 'No access tokens match these filters.'
      : 'No access tokens yet. Use Add Token to create one.';
    $('tokens').hidden = state.rows.length === 0;
    const paged = state.pageIndex > 0 || Boolean(state.next);
    $('previous-page').disabled = state.pageIndex === 0;
    $('next-page').disabled = !state.next;
    $('page-number').textContent = paged ? 'Page ' + (state.pageIndex + 1) : '';
    document.querySelector('.pager').hidden = !paged;
  }

  function cell(text, className) {
    const td = document.createElement('td');
    if (text !== undefined) {
      td.textContent = text;
    }
    if (className) {
      td.className = className;
    }
    return td;
  }

  function button(text, label, action, id, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    if (label) {
      b.setAttribute('aria-label', label);
    }
    b.dataset.action = action;
    b.dataset.id = id;
    b.addEventListener('click', onClick);
    return b;
  }

  function rowElement(row) {
    const tr = document.createElement('tr');
    tr.dataset.id = row.id;

    const token = cell(undefined, 'token');
    const code = document.createElement('code');
    code.textContent = row.token;
    token.append(code);
    tr.append(token);

    const status = cell(undefined, 'status');
    const toggle = button('', 'Status of access token ' + row.token, 'status', row.id, () => toggleStatus(row, toggle));
    toggle.setAttribute('role', 'switch');
    toggle.setAttribute('aria-checked', row.status === 'ACTIVE' ? 'true' : 'false');
    toggle.className = 'switch';
    const track = document.createElement('span');
    track.className = 'track';
    track.setAttribute('aria-hidden', 'true');
    const word = document.createElement('span');
    word.className = 'switch-label';
    word.textContent = statusLabel(row.status);
    toggle.append(track, word);
    status.append(toggle);
    tr.append(status);
    tr.append(cell(expiresLabel(row), 'expires'));

    tr.append(cell(row.environment, 'environment'));
    tr.append(state.editing && state.editing.id === row.id ? editorCell(row) : cell(row.description || '', 'description'));
    tr.append(cell(row.scope, 'scope'));
    tr.append(cell(lastUsedLabel(row), 'last-used'));
    tr.append(cell(row.rotatedFrom ? row.rotatedFrom.token : '', 'rotated-from'));

    const actions = cell(undefined, 'actions');
    actions.append(
      button('Copy', 'Copy access token ' + row.token, 'copy', row.id, () => copyToken(row)),
      button('Edit', 'Edit the description of access token ' + row.token, 'edit', row.id, () => startEdit(row)),
      button('Rotate', 'Rotate access token ' + row.token, 'rotate', row.id, (event) => askRotate(row, event.currentTarget)),
      button('Delete', 'Delete access token ' + row.token, 'delete', row.id, (event) => askDelete(row, event.currentTarget)));
    tr.append(actions);
    return tr;
  }

  function focusRowControl(id, action) {
    const target = document.querySelector('button[data-id="' + CSS.escape(id) + '"][data-action="' + action + '"]');
    if (target) {
      target.focus();
    } else {
      $('add-token').focus();
    }
  }

  function replaceRow(updated) {
    state.rows = state.rows.map((row) => (row.id === updated.id ? updated : row));
  }

  // ---- Status -------------------------------------------------------------------------------------

  async function toggleStatus(row, toggle) {
    const wanted = row.status === 'ACTIVE' ? 'INACTIVE' : 'ACTIVE';
    toggle.disabled = true;
    try {
      const updated = await api('PUT', tokenPath(row.id) + '/status', { status: wanted });
      replaceRow(updated);
      render();
      focusRowControl(row.id, 'status');
      say('Access token ' + updated.token + ' is now ' + statusLabel(updated.status) + '.');
    } catch (e) {
      toggle.disabled = false;
      await actionFailed(e);
    }
  }

  // ---- Copy ---------------------------------------------------------------------------------------

  async function toClipboard(value) {
    if (!navigator.clipboard || !window.isSecureContext) {
      throw new ApiError(0, 'CLIPBOARD', 'This browser lets pages use the clipboard only over https:// or on'
        + ' localhost, so nothing was copied.');
    }
    try {
      await navigator.clipboard.writeText(value);
    } catch (e) {
      throw new ApiError(0, 'CLIPBOARD', 'The browser refused to put the token on the clipboard, so nothing was'
        + ' copied. Click Copy again.');
    }
  }

  async function copyToken(row) {
    try {
      const answer = await api('POST', tokenPath(row.id) + '/copy');
      await toClipboard(answer.value);
      say('Access token ' + row.token + ' copied to the clipboard.');
    } catch (e) {
      await actionFailed(e);
    }
  }

  // ---- Edit ---------------------------------------------------------------------------------------

  function startEdit(row) {
    state.editing = { id: row.id, text: row.description || '' };
    render();
    const input = document.querySelector('input[data-id="' + CSS.escape(row.id) + '"]');
    input.focus();
    input.select();
  }

  function editorCell(row) {
    const td = cell(undefined, 'description editing');
    const input = document.createElement('input');
    input.type = 'text';
    input.maxLength = 256;
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.value = state.editing.text;
    input.dataset.id = row.id;
    input.setAttribute('aria-label', 'Description of access token ' + row.token);
    input.addEventListener('input', () => {
      state.editing.text = input.value;
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        submitEdit(row, input);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        cancelEdit(row);
      }
    });
    td.append(
      input,
      button('Submit', 'Submit the description of access token ' + row.token, 'edit-submit', row.id,
        () => submitEdit(row, input)),
      button('Cancel', 'Cancel editing the description of access token ' + row.token, 'edit-cancel', row.id,
        () => cancelEdit(row)));
    return td;
  }

  function cancelEdit(row) {
    state.editing = null;
    render();
    focusRowControl(row.id, 'edit');
  }

  async function submitEdit(row, input) {
    try {
      // The version the user saw: if the token changed since, the server refuses (409) and saves nothing.
      const updated = await api('PUT', tokenPath(row.id) + '/description',
        { description: input.value, version: row.version });
      state.editing = null;
      replaceRow(updated);
      render();
      focusRowControl(row.id, 'edit');
      say('The description of access token ' + updated.token + ' was saved.');
    } catch (e) {
      if (e.code === 'INVALID_DESCRIPTION' || e.code === 'INVALID_REQUEST') {
        fail(e);
        input.focus();
        return;
      }
      await actionFailed(e);
      focusRowControl(row.id, 'edit');
    }
  }

  // ---- The dialogs that ask about one token (Delete, Rotate) ----------------------------------------
  // Each keeps what it asks about, { row, returnFocus }, in state[key] while it is open.

  // The token a dialog's question names: its environment and description too, so the user can tell.
  function tokenInQuestion(row) {
    return row.token + ' of environment ' + row.environment + (row.description ? ' (' + row.description + ')' : '');
  }

  // The dialog turned down (Cancel or Escape): nothing happened, which the user is told, and the
  // focus goes back to the button that opened it.
  function turnDown(key, dialog, notDone) {
    const pending = state[key];
    state[key] = null;
    if ($(dialog).open) {
      $(dialog).close();
    }
    if (pending) {
      say('Access token ' + pending.row.token + ' was not ' + notDone + '.');
      pending.returnFocus.focus();
    }
  }

  // Cancel and Escape turn the dialog down alike.
  function onTurnedDown(prefix, cancel) {
    $(prefix + '-cancel').addEventListener('click', cancel);
    $(prefix + '-dialog').addEventListener('cancel', (event) => {
      event.preventDefault(); // Escape: the same as Cancel
      cancel();
    });
  }

  // ---- Delete -------------------------------------------------------------------------------------

  function askDelete(row, returnFocus) {
    state.deleting = { row, returnFocus };
    $('delete-text').textContent = 'Delete access token ' + tokenInQuestion(row)
      + '? Connections that use it will fail with INVALID_TOKEN. This cannot be undone.';
    $('delete-dialog').showModal();
    $('delete-cancel').focus();
  }

  function cancelDelete() {
    turnDown('deleting', 'delete-dialog', 'deleted');
  }

  async function confirmDelete() {
    const deleting = state.deleting;
    state.deleting = null;
    $('delete-dialog').close();
    if (!deleting) {
      return;
    }
    try {
      await api('DELETE', tokenPath(deleting.row.id));
      say('Access token ' + deleting.row.token + ' was deleted.');
      await loadPage(state.pageIndex, true);
      $('add-token').focus();
    } catch (e) {
      await actionFailed(e);
      $('add-token').focus();
    }
  }

  // ---- Rotate -------------------------------------------------------------------------------------

  function askRotate(row, returnFocus) {
    state.rotating = { row, returnFocus };
    $('rotate-text').textContent = 'Access token ' + tokenInQuestion(row) + ' gets a successor with a new'
      + ' value, shown once. The old value keeps working until the end of the overlap, so its users can swap'
      + ' values.';
    $('rotate-form').reset();
    $('rotate-dialog').showModal();
    $('rotate-overlap').focus();
  }

  function cancelRotate() {
    turnDown('rotating', 'rotate-dialog', 'rotated');
  }

  async function confirmRotate(event) {
    event.preventDefault();
    const rotating = state.rotating;
    state.rotating = null;
    const overlap = $('rotate-overlap').value;
    const expiresIn = $('rotate-expires').value;
    const retirePredecessor = $('rotate-retire').value;
    $('rotate-dialog').close();
    if (!rotating) {
      return;
    }
    try {
      const request = { overlap, retirePredecessor };
      if (expiresIn) {
        request.expiresIn = expiresIn;
      }
      const answer = await api('POST', tokenPath(rotating.row.id) + '/rotate', request);
      const predecessor = answer.predecessor;
      const until = predecessor.expired ? 'now' : (retirePredecessor === 'FIRST_USE'
        ? 'when the new value is first used, at the latest ' : 'at ') + expiresLabel(predecessor);
      $('new-token-note').textContent = 'It succeeds access token ' + predecessor.token + ', which stops working '
        + until + '.';
      $('new-token-note').hidden = false;
      $('new-token-value').textContent = answer.value;
      $('new-token').hidden = false;
      say('Access token ' + predecessor.token + ' was rotated: its successor is ' + answer.token.token
        + ', and it stops working ' + until + '.');
      await loadPage(state.pageIndex, true);
      $('new-token').focus();
    } catch (e) {
      await actionFailed(e);
      focusRowControl(rotating.row.id, 'rotate');
    }
  }

  // ---- Add Token ----------------------------------------------------------------------------------

  function openAddForm() {
    $('add-form').hidden = false;
    $('add-token').setAttribute('aria-expanded', 'true');
    $('add-environment').focus();
  }

  function closeAddForm() {
    $('add-form').reset();
    $('add-form').hidden = true;
    $('add-token').setAttribute('aria-expanded', 'false');
    $('add-token').focus();
  }

  async function submitAddForm(event) {
    event.preventDefault();
    const environment = $('add-environment').value;
    if (!environment) {
      fail('Choose the environment of the new access token.');
      $('add-environment').focus();
      return;
    }
    const description = $('add-description').value;
    $('add-submit').disabled = true;
    try {
      const answer = await api('POST', tokensPath(), { environment, description });
      $('add-form').reset();
      $('add-form').hidden = true;
      $('add-token').setAttribute('aria-expanded', 'false');
      $('new-token-note').textContent = '';
      $('new-token-note').hidden = true;
      $('new-token-value').textContent = answer.value;
      $('new-token').hidden = false;
      say('Access token ' + answer.token.token + ' was created in environment ' + answer.token.environment + '.');
      await loadPage(state.pageIndex, true);
      $('new-token').focus();
    } catch (e) {
      if (e.code === 'NOT_ENTITLED') {
        showNote(e.message);
      } else {
        fail(e);
        $(e.code === 'UNKNOWN_ENVIRONMENT' ? 'add-environment' : 'add-description').focus();
      }
    } finally {
      $('add-submit').disabled = state.environments.length === 0;
    }
  }

  async function copyNewToken() {
    try {
      await toClipboard($('new-token-value').textContent);
      say('The new access token was copied to the clipboard.');
    } catch (e) {
      fail(e);
    }
  }

  function closeNewToken() {
    $('new-token-value').textContent = '';
    $('new-token-note').textContent = '';
    $('new-token-note').hidden = true;
    $('new-token').hidden = true;
    $('add-token').focus();
  }

  // ---- wiring -------------------------------------------------------------------------------------

  function wire() {
    $('add-token').addEventListener('click', openAddForm);
    $('add-cancel').addEventListener('click', closeAddForm);
    $('add-form').addEventListener('submit', submitAddForm);
    $('add-form').addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        closeAddForm();
      }
    });
    $('new-token-copy').addEventListener('click', copyNewToken);
    $('new-token-done').addEventListener('click', closeNewToken);
    onTurnedDown('delete', cancelDelete);
    $('delete-confirm').addEventListener('click', confirmDelete);
    onTurnedDown('rotate', cancelRotate);
    $('rotate-form').addEventListener('submit', confirmRotate);
    // After a page turn the focus stays on the button, or moves to the other one if this one is now off.
    $('previous-page').addEventListener('click', async () => {
      await loadPage(Math.max(0, state.pageIndex - 1), false);
      $($('previous-page').disabled ? 'next-page' : 'previous-page').focus();
    });
    $('next-page').addEventListener('click', async () => {
      await loadPage(state.pageIndex + 1, false);
      $($('next-page').disabled ? 'previous-page' : 'next-page').focus();
    });
    for (const filter of [$('filter-environment'), $('filter-status')]) {
      filter.addEventListener('change', () => {
        state.cursors = [null];
        loadPage(0, false);
      });
    }
    $('organization-select').addEventListener('change', (event) => {
      window.location.search = '?organization=' + encodeURIComponent(event.target.value);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
})();
