// ketasim serve: the preview page. Plain script, no build step, no other origin.
// Every number on the page comes from the server's JSON API (/openapi.json), which runs the same
// library as the command line; this script only turns the form into requests and shows the answers.
'use strict';

(() => {
  const DISCLAIMER = 'ketasim: population-model estimate for previewing and teaching, not a medical device';
  const RATE_UNITS = ['mg/kg/h', 'ug/kg/min', 'mg/h', 'mg/min'];
  const AMOUNT_UNITS = ['mg/kg', 'mg'];
  /** Row kinds: label, units, whether the row has a duration and a start time of its own. */
  const KINDS = {
    bolus: { label: 'Bolus', units: AMOUNT_UNITS, duration: false, at: true },
    over: { label: 'Infusion over', units: AMOUNT_UNITS, duration: true, at: true },
    rate: { label: 'Rate for', units: RATE_UNITS, duration: true, at: true },
    thenover: { label: 'then infusion over', units: AMOUNT_UNITS, duration: true, at: false },
    thenrate: { label: 'then rate for', units: RATE_UNITS, duration: true, at: false },
    change: { label: 'Change rate at (0: stop)', units: RATE_UNITS, duration: false, at: true },
  };
  const DEFAULT_ROWS = { a: [{ k: 'over', amt: '0.5', unit: 'mg/kg', dur: '40', at: '0' }],
    b: [{ k: 'over', amt: '0.5', unit: 'mg/kg', dur: '40', at: '0' },
      { k: 'change', amt: '0.3', unit: 'mg/kg/h', dur: '', at: '20' }] };

  const $ = (id) => document.getElementById(id);
  const form = $('inputs');
  let catalog = null;
  let tab = 'preview';
  let pending = null;
  let timer = 0;

  // ---------------------------------------------------------------- rows

  function rowElement(profile, row) {
    const tr = document.createElement('tr');
    const index = () => Array.prototype.indexOf.call(tr.parentNode.children, tr) + 1;
    const cell = (control, name) => {
      const td = document.createElement('td');
      control.dataset.field = name;
      td.appendChild(control);
      tr.appendChild(td);
      return control;
    };
    const kind = cell(document.createElement('select'), 'k');
    for (const [value, spec] of Object.entries(KINDS)) kind.add(new Option(spec.label, value));
    kind.value = row.k;
    const amount = cell(numberInput(row.amt, '0'), 'amt');
    const unit = cell(document.createElement('select'), 'unit');
    const duration = cell(numberInput(row.dur, '0'), 'dur');
    const at = cell(numberInput(row.at, '0'), 'at');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove';
    remove.textContent = '×';
    cell(remove, 'remove');
    const label = () => {
      const n = index();
      kind.setAttribute('aria-label', `Profile ${profile.toUpperCase()} row ${n}: what`);
      amount.setAttribute('aria-label', `Profile ${profile.toUpperCase()} row ${n}: amount`);
      unit.setAttribute('aria-label', `Profile ${profile.toUpperCase()} row ${n}: unit`);
      duration.setAttribute('aria-label', `Profile ${profile.toUpperCase()} row ${n}: over or for, minutes`);
      at.setAttribute('aria-label', `Profile ${profile.toUpperCase()} row ${n}: at, minutes from the start`);
      remove.setAttribute('aria-label', `Remove profile ${profile.toUpperCase()} row ${n}`);
    };
    const shape = (keepUnit) => {
      const spec = KINDS[kind.value];
      const current = keepUnit || unit.value;
      unit.replaceChildren(...spec.units.map((u) => new Option(u, u)));
      unit.value = spec.units.includes(current) ? current : spec.units[0];
      duration.disabled = !spec.duration;
      at.disabled = !spec.at;
    };
    kind.addEventListener('change', () => { shape(); });
    remove.addEventListener('click', () => {
      const body = tr.parentNode;
      tr.remove();
      relabel(body);
      changed();
    });
    tr.relabel = label;
    tr.reshape = () => shape(unit.value);
    shape(row.unit);
    return tr;
  }

  function numberInput(value, min) {
    const input = document.createElement('input');
    input.type = 'number';
    input.inputMode = 'decimal';
    input.step = 'any';
    input.min = min;
    input.value = value;
    return input;
  }

  function relabel(body) { for (const tr of body.children) tr.relabel(); }

  function setRows(profile, rows) {
    const body = $(`profile-${profile}`).querySelector('tbody');
    body.replaceChildren(...rows.map((row) => rowElement(profile, row)));
    relabel(body);
  }

  function readRows(profile) {
    return Array.from($(`profile-${profile}`).querySelectorAll('tbody tr'), (tr) => {
      const value = (name) => tr.querySelector(`[data-field="${name}"]`).value.trim();
      return { k: value('k'), amt: value('amt'), unit: value('unit'), dur: value('dur'), at: value('at') };
    });
  }

  /** The rows as the command line's dose specs and rate changes. */
  function specs(rows) {
    const doses = [];
    const changes = [];
    const at = (row) => (row.at === '' ? '' : ` at ${row.at} min`);
    for (const row of rows) {
      const amount = `${row.amt} ${row.unit}`;
      switch (row.k) {
        case 'bolus': doses.push(`${amount}${at(row)}`); break;
        case 'over': doses.push(`${amount} over ${row.dur} min${at(row)}`); break;
        case 'rate': doses.push(`${amount} for ${row.dur} min${at(row)}`); break;
        case 'thenover':
        case 'thenrate': {
          const part = `${amount} ${row.k === 'thenover' ? 'over' : 'for'} ${row.dur} min`;
          if (doses.length) doses[doses.length - 1] += ` then ${part}`; else doses.push(part);
          break;
        }
        case 'change':
          changes.push(Number(row.amt) === 0 ? `at ${row.at} min stop` : `at ${row.at} min to ${amount}`);
          break;
        default: break;
      }
    }
    return { doses, changes };
  }

  // ---------------------------------------------------------------- requests

  function numberOrNull(id) {
    const text = $(id).value.trim();
    return text === '' ? null : Number(text);
  }

  /** One profile as the API's scenario (ScenarioBody). */
  function scenario(profile) {
    const body = { model: $('model').value || undefined, drug: $('drug').value };
    const weight = $('weight').value.trim();
    body.weightKilograms = weight === '' ? NaN : Number(weight);
    const age = numberOrNull('age');
    if (age !== null) body.ageYears = age;
    const hours = numberOrNull('duration');
    if (hours !== null) {
      body.duration = `${hours} h`;
      if (hours > 24) body.step = `${Math.ceil((hours * 60) / 2000)} min`;
    }
    const effects = Array.from(document.querySelectorAll('#effects input:checked'), (box) => box.value);
    if (effects.length) body.effects = effects;
    if (profile) {
      body.label = $(`${profile}-label`).value.trim() || profile.toUpperCase();
      const regimen = $(`${profile}-regimen`).value;
      if (regimen) {
        body.regimens = [regimen];
      } else {
        Object.assign(body, specs(readRows(profile)));
      }
    }
    return body;
  }

  /** With a built-in regimen chosen, the profile's rows are not used: shown greyed and not editable. */
  function syncRegimen(profile) {
    const fieldset = $(`profile-${profile}`);
    const chosen = $(`${profile}-regimen`).value !== '';
    fieldset.querySelector('table.rows').classList.toggle('ignored', chosen);
    for (const control of fieldset.querySelectorAll('table.rows select, table.rows input, table.rows button, .add-row')) {
      control.disabled = chosen;
    }
    if (!chosen) for (const tr of fieldset.querySelectorAll('tbody tr')) tr.reshape();
  }

  function profiles() { return $('compare').checked ? [scenario('a'), scenario('b')] : [scenario('a')]; }

  function populationBody() {
    const body = { scenario: scenario('a'), subjects: numberOrNull('subjects') ?? 500,
      seed: numberOrNull('seed') ?? 1 };
    const iiv = $('iiv').value.trim();
    if (iiv) body.iiv = iiv;
    return body;
  }

  function tciBody() {
    const base = scenario(null);
    const body = { scenario: base, site: $('site').value,
      targets: $('targets').value.split('\n').map((t) => t.trim()).filter((t) => t) };
    const max = numberOrNull('max-rate');
    if (max !== null) body.maximumRate = `${max} mg/h`;
    return body;
  }

  class Problem extends Error {}

  async function post(path, body, as, signal) {
    // A weight left empty or not a number is sent as null and refused by the server with its message.
    const text = JSON.stringify(body, (key, value) => (typeof value === 'number' && !Number.isFinite(value)
      ? 'not a number' : value));
    const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: text, signal });
    if (!response.ok) {
      let message = `the server answered ${response.status}`;
      try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
      throw new Problem(message);
    }
    if (as === 'json') return response.json();
    if (as === 'text') return response.text();
    return response.blob();
  }

  // ---------------------------------------------------------------- drawing

  function showSVG(figure, text) {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const svg = document.importNode(doc.documentElement, true);
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('role', 'img');
    const title = svg.querySelector('title');
    if (title) svg.setAttribute('aria-label', title.textContent);
    figure.replaceChildren(svg);
    for (const fresh of document.querySelectorAll('.chart, .readout')) fresh.classList.remove('stale');
  }

  function showError(message) {
    const box = $('error');
    if (message) {
      box.textContent = message;
      box.hidden = false;
      for (const stale of document.querySelectorAll('.chart, .readout')) stale.classList.add('stale');
    } else {
      box.hidden = true;
      box.textContent = '';
    }
  }

  /** An element with text, such as a heading. */
  function textElement(tag, text) {
    const element = document.createElement(tag);
    element.textContent = text;
    return element;
  }

  /** A bulleted list of lines (as text, never as markup). */
  function listOf(lines) {
    const list = document.createElement('ul');
    for (const line of lines) list.appendChild(textElement('li', line));
    return list;
  }

  function showWarnings(lines) {
    const box = $('warnings');
    if (!lines.length) { box.hidden = true; box.replaceChildren(); return; }
    const heading = textElement('h2', lines.length === 1 ? 'Warning' : `Warnings (${lines.length})`);
    box.replaceChildren(heading, listOf(lines));
    box.hidden = false;
  }

  function sheetElement(label, summary) {
    const article = document.createElement('article');
    article.className = 'sheet';
    article.appendChild(textElement('h2', label));
    for (const section of summary.sheet) {
      // The warnings stand above the chart.
      if (section.heading !== 'Warnings') article.append(textElement('h3', section.heading), listOf(section.lines));
    }
    article.appendChild(metricTable(summary.readout, 'All read-out metrics'));
    return article;
  }

  function metricTable(rows, caption) {
    const details = document.createElement('details');
    const summary = textElement('summary', caption);
    const table = document.createElement('table');
    table.className = 'metrics';
    const head = table.createTHead().insertRow();
    for (const name of ['metric', 'value', 'unit']) {
      const th = textElement('th', name);
      th.scope = 'col';
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      tr.dataset.metric = row.metric;
      for (const value of [row.metric, row.value, row.unit]) tr.insertCell().textContent = value;
    }
    details.append(summary, table);
    return details;
  }

  // ---------------------------------------------------------------- updates

  async function updatePreview(signal) {
    const list = profiles();
    const [svg, summaries] = await Promise.all([
      post('/api/plot?format=svg', { profiles: list, logarithmic: $('log').checked }, 'text', signal),
      Promise.all(list.map((p) => post('/api/summary', p, 'json', signal))),
    ]);
    showSVG($('chart'), svg);
    $('readout').replaceChildren(...summaries.map((s, i) => sheetElement(list[i].label, s)));
    const many = list.length > 1;
    showWarnings(summaries.flatMap((s, i) => s.warnings.map((w) => (many ? `${list[i].label}: ${w}` : w))));
  }

  async function updatePopulation(signal) {
    const body = populationBody();
    const [svg, readout] = await Promise.all([
      post('/api/population?format=svg', body, 'text', signal),
      post('/api/population?format=json', body, 'json', signal),
    ]);
    showSVG($('population-chart'), svg);
    $('population-readout').replaceChildren(listOf(readout.lines), metricTable(readout.readout, 'All population metrics'));
    showWarnings([]);
  }

  async function updateTCI(signal) {
    const body = tciBody();
    const [svg, summary] = await Promise.all([
      post('/api/tci?format=svg', body, 'text', signal),
      post('/api/tci?format=json', body, 'json', signal),
    ]);
    showSVG($('tci-chart'), svg);
    $('tci-readout').replaceChildren(metricTable(summary.readout, 'TCI read-out'));
    $('tci-readout').querySelector('details').open = true;
    showWarnings(summary.warnings);
  }

  async function update() {
    if (pending) pending.abort();
    const controller = new AbortController();
    pending = controller;
    document.body.classList.add('busy');
    try {
      if (tab === 'population') await updatePopulation(controller.signal);
      else if (tab === 'tci') await updateTCI(controller.signal);
      else await updatePreview(controller.signal);
      showError(null);
    } catch (error) {
      if (error.name === 'AbortError') return;
      showError(error instanceof Problem ? error.message : `could not reach the server: ${error.message}`);
    } finally {
      if (pending === controller) {
        pending = null;
        document.body.classList.remove('busy');
        document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
      }
    }
  }

  function changed() {
    writeURL();
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  }

  // ---------------------------------------------------------------- the URL

  const FIELDS = { w: 'weight', age: 'age', m: 'model', drug: 'drug', dur: 'duration', al: 'a-label',
    bl: 'b-label', ar: 'a-regimen', br: 'b-regimen', n: 'subjects', seed: 'seed', iiv: 'iiv', tg: 'targets',
    site: 'site', max: 'max-rate' };

  const encodeRows = (rows) => rows.map((r) => [r.k, r.amt, r.unit, r.dur, r.at].join('~')).join('_');
  const decodeRows = (text) => text.split('_').filter((t) => t).map((t) => {
    const [k, amt, unit, dur, at] = t.split('~');
    return { k: KINDS[k] ? k : 'bolus', amt: amt || '', unit: unit || '', dur: dur || '', at: at || '' };
  });

  /** The scenario (no patient identity: weight, age and doses only) in the address, to share a protocol. */
  function writeURL() {
    const params = new URLSearchParams();
    for (const [key, id] of Object.entries(FIELDS)) {
      const value = $(id).value.trim();
      if (value !== '') params.set(key, value);
    }
    params.set('a', encodeRows(readRows('a')));
    if ($('compare').checked) { params.set('cmp', '1'); params.set('b', encodeRows(readRows('b'))); }
    if ($('log').checked) params.set('log', '1');
    const effects = Array.from(document.querySelectorAll('#effects input:checked'), (box) => box.value);
    if (effects.length) params.set('fx', effects.join(','));
    if (tab !== 'preview') params.set('tab', tab);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }

  function readURL() {
    const params = new URLSearchParams(location.search);
    for (const [key, id] of Object.entries(FIELDS)) {
      if (params.has(key)) $(id).value = params.get(key);
    }
    setRows('a', params.has('a') ? decodeRows(params.get('a')) : DEFAULT_ROWS.a);
    setRows('b', params.has('b') ? decodeRows(params.get('b')) : DEFAULT_ROWS.b);
    $('compare').checked = params.get('cmp') === '1';
    $('log').checked = params.get('log') === '1';
    const effects = (params.get('fx') || '').split(',');
    for (const box of document.querySelectorAll('#effects input')) box.checked = effects.includes(box.value);
    return ['population', 'tci'].includes(params.get('tab')) ? params.get('tab') : 'preview';
  }

  // ---------------------------------------------------------------- exports

  const EXPORTS = {
    csv: () => ($('compare').checked
      ? ['/api/compare?series=true', { profiles: profiles() }, 'ketasim-compare-series.csv', true]
      : ['/api/simulate', scenario('a'), 'ketasim-time-course.csv', true]),
    svg: () => ['/api/plot?format=svg', { profiles: profiles(), logarithmic: $('log').checked }, 'ketasim.svg'],
    png: () => ['/api/plot?format=png', { profiles: profiles(), logarithmic: $('log').checked }, 'ketasim.png'],
    pdf: () => ['/api/plot?format=pdf', { profiles: profiles(), logarithmic: $('log').checked }, 'ketasim.pdf'],
    sheet: () => ['/api/sheet?format=html', scenario('a'), 'ketasim-session-sheet.html'],
    'population-csv': () => ['/api/population?format=csv', populationBody(), 'ketasim-population-bands.csv', true],
    'population-svg': () => ['/api/population?format=svg', populationBody(), 'ketasim-population.svg'],
    'population-png': () => ['/api/population?format=png', populationBody(), 'ketasim-population.png'],
    'tci-csv': () => ['/api/tci?format=csv', tciBody(), 'ketasim-tci-schedule.csv', true],
    'tci-svg': () => ['/api/tci?format=svg', tciBody(), 'ketasim-tci.svg'],
    'tci-png': () => ['/api/tci?format=png', tciBody(), 'ketasim-tci.png'],
  };

  async function download(kind) {
    const [path, body, name, csv] = EXPORTS[kind]();
    try {
      let blob = await post(path, body, 'blob');
      // A CSV export carries the disclaimer as a first comment line (pictures and the sheet carry their own).
      if (csv) blob = new Blob([`# ${DISCLAIMER}\n`, blob], { type: 'text/csv' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      showError(null);
    } catch (error) {
      showError(error instanceof Problem ? error.message : `could not reach the server: ${error.message}`);
    }
  }

  // ---------------------------------------------------------------- tabs and set-up

  function selectTab(name, focus) {
    tab = name;
    for (const button of document.querySelectorAll('[role="tab"]')) {
      const selected = button.id === `tab-${name}`;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      $(button.getAttribute('aria-controls')).hidden = !selected;
      if (selected && focus) button.focus();
    }
    for (const fieldset of document.querySelectorAll('.tab-only')) fieldset.hidden = fieldset.dataset.tab !== name;
    $('profile-a').hidden = name === 'tci';
    $('profile-b').hidden = name !== 'preview' || !$('compare').checked;
    $('compare-field').hidden = name !== 'preview';
    suggestVariability();
    changed();
  }

  function describeModel() {
    const model = catalog && catalog.models.find((m) => m.id === $('model').value);
    if (!model) return;
    const effect = model.hasEffectSite ? 'effect site: yes' : 'no effect site';
    $('model-note').textContent = `${model.name}. ${model.population} Sampling: ${model.sampling}. `
      + `Studied ${model.weightKilograms[0]}-${model.weightKilograms[1]} kg, ${model.ageYears[0]}-`
      + `${model.ageYears[1]} years; ${model.compartments} compartments, ${effect}.`;
  }

  /** A model without published variability needs one for the bands: an assumption the user can see. */
  function suggestVariability() {
    const model = catalog && catalog.models.find((m) => m.id === $('model').value);
    const input = $('iiv');
    if (tab === 'population' && model && !model.hasVariability && input.value.trim() === '') {
      input.value = 'CL=0.3,V1=0.3';
    }
  }

  async function start() {
    try {
      const response = await fetch('/api/models');
      catalog = await response.json();
    } catch (error) {
      showError(`could not load the model catalogue: ${error.message}`);
      return;
    }
    const select = $('model');
    for (const model of catalog.models) {
      select.add(new Option(`${model.id}: ${model.name} (${model.drug}, ${model.sampling})`, model.id));
    }
    select.value = catalog.defaultModel;
    const effects = $('effects');
    for (const effect of catalog.effects) {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `effect-${effect.id}`;
      box.value = effect.id;
      const label = document.createElement('label');
      label.htmlFor = box.id;
      label.textContent = effect.name;
      const field = document.createElement('div');
      field.className = 'field check';
      field.append(box, label);
      effects.appendChild(field);
    }
    for (const regimenSelect of document.querySelectorAll('select.regimen')) {
      for (const regimen of catalog.regimens) regimenSelect.add(new Option(`${regimen.name}: ${regimen.title}`,
        regimen.name));
    }
    const initial = readURL();
    describeModel();
    syncRegimen('a');
    syncRegimen('b');
    form.addEventListener('input', changed);
    form.addEventListener('change', (event) => {
      if (event.target.id === 'compare') $('profile-b').hidden = !event.target.checked;
      if (event.target.id === 'model') { describeModel(); suggestVariability(); }
      if (event.target.classList.contains('regimen')) syncRegimen(event.target.id.charAt(0));
      changed();
    });
    form.addEventListener('submit', (event) => { event.preventDefault(); update(); });
    for (const button of document.querySelectorAll('.add-row')) {
      button.addEventListener('click', () => {
        const profile = button.closest('fieldset').dataset.profile;
        const body = $(`profile-${profile}`).querySelector('tbody');
        const tr = rowElement(profile, { k: 'rate', amt: '0.15', unit: 'mg/kg/h', dur: '60', at: '40' });
        body.appendChild(tr);
        relabel(body);
        tr.querySelector('select').focus();
        changed();
      });
    }
    $('copy-a').addEventListener('click', () => { setRows('b', readRows('a')); syncRegimen('b'); changed(); });
    for (const button of document.querySelectorAll('[data-export]')) {
      button.addEventListener('click', () => download(button.dataset.export));
    }
    $('print').addEventListener('click', () => window.print());
    $('share').addEventListener('click', async () => {
      writeURL();
      try {
        await navigator.clipboard.writeText(location.href);
        $('share-note').textContent = 'Link copied (it holds the scenario, no patient identity).';
      } catch (error) {
        $('share-note').textContent = `Link: ${location.href}`;
      }
    });
    const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
    for (const button of tabs) {
      button.addEventListener('click', () => selectTab(button.id.slice(4), false));
      button.addEventListener('keydown', (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        const next = tabs[(tabs.indexOf(button) + step + tabs.length) % tabs.length];
        selectTab(next.id.slice(4), true);
      });
    }
    selectTab(initial, false);
  }

  start();
})();
