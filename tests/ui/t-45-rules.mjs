// t-45-rules.mjs - the spec's flow, as an analyst in the browser: write a
// rule in the editor, dry-run it over a period and see the alert it would
// raise (and, for broken versions, errors with their lines that take the
// editor there), save it (which enables it), change it, disable and
// enable it; add a seizure that makes it fire, find the alert in the
// inbox, acknowledge it with a note and promote it to a new case; the
// versions and their diff. Also the editor without CodeMirror (a plain
// text area), and rule text holding markup shown as typed.
const NAME = 't45-big-wildlife';
const TITLE = `Big wildlife <img src=x onerror="window.__xss='rule title'">`;
const source = (threshold, { broken = false, syntax = false } = {}) => `-- Wildlife seizures over a threshold.
return {
  name = "${NAME}",
  title = "Big wildlife <img src=x onerror=\\"window.__xss='rule title'\\">",
  severity = "high",
  on = { "seizure" },
  check = function(rec)
    local q = rec.quantity${broken ? '.amount.unit' : ''}
    if rec.commodity.category == "wildlife" and q and q.amount > ${threshold} ${syntax ? 'thenn' : 'then'}
      alert {
        key = rec.id,
        title = "Wildlife " .. q.amount .. " " .. q.unit .. " <img src=x onerror=\\"window.__xss='alert title'\\">",
        refs = { rec.id },
        explain = "Over ${threshold}.\\n<script>window.__xss='explain'</script>",
      }
    end
  end,
}
`;
const LABEL = 'Rule source (Lua)';
const FAILS = `return {
  name = "t45-fails",
  title = "Fails on purpose",
  severity = "low",
  on = { "seizure" },
  check = function(rec)
    if rec.commodity.description == "t45 fails" then
      error("cannot read the manifest")
    end
  end,
}
`;

// Replace what the editor holds, as a person pasting would.
async function setSource(page, text) {
  if (await page.locator('[data-editor="textarea"]').count()) {
    await page.getByLabel(LABEL).fill(text);
    return;
  }
  await page.locator('.CodeMirror-code').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

// The line the editor's cursor (or selection) is on, from 1.
function cursorLine(page) {
  return page.evaluate(() => {
    const cm = document.querySelector('.CodeMirror');
    if (cm) return cm.CodeMirror.getCursor('from').line + 1;
    const ta = document.querySelector('textarea.rule-source');
    return ta.value.slice(0, ta.selectionStart).split('\n').length;
  });
}

export default async function (ctx) {
  const { T, page: newPage, open, ready, clean, shot, api, putRule, came } = ctx;
  const s1 = (await api('officer', 'GET', `/seizures?where=${encodeURIComponent('commodity.description=pangolin scales')}`)).json.items[0];
  const page = await newPage('analyst');

  // The list, and a new rule from its template.
  await open(page, '#/rules');
  T.ok(await page.getByRole('heading', { name: 'Rules', level: 1 }).isVisible(), 'the rules list');
  await page.getByRole('link', { name: 'New rule' }).click();
  await page.waitForFunction(() => location.hash === '#/new/rule');
  await ready(page);
  T.ok(await page.locator('[data-editor="codemirror"] .CodeMirror').isVisible(), 'the source is in CodeMirror, from Debian\'s package');
  T.ok((await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.getValue())).includes('name = "my-rule"'),
    'a new rule starts from a template');
  await clean(page, 'new rule');

  // Write it; dry-run it over a period that holds a large seizure.
  await setSource(page, source(300));
  T.is(await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.getValue()), source(300), 'the rule is written in the editor');
  await page.getByLabel('From', { exact: true }).fill('2025-01-01');
  await page.getByLabel('To', { exact: true }).fill('2025-03-31');
  await page.getByRole('button', { name: 'Dry run' }).click();
  const results = page.locator('.dry-results');
  await results.getByText(/Records checked/).waitFor();
  const would = results.getByRole('table', { name: 'Alerts the dry run would raise' });
  T.ok(await would.getByRole('link', { name: s1.id }).isVisible(), `the dry run shows inline the alert it would raise on ${s1.id}`);
  T.ok(await would.getByText(`Wildlife 312.5 kg <img src=x onerror="window.__xss='alert title'">`).isVisible(),
    'its title, markup shown as typed');
  T.ok(await would.getByText(`Over 300.\n<script>window.__xss='explain'</script>`).isVisible(), 'and its explanation');
  await shot(page, 'rule-editor');
  await page.getByLabel('From', { exact: true }).fill('2025-03-01');
  await page.getByRole('button', { name: 'Dry run' }).click();
  T.ok(await came(results.getByText('It would raise no alert.').waitFor()),
    'over a period without such a seizure, it would raise none');
  await clean(page, 'dry run');

  // A broken version: errors with their lines; a click goes there.
  await setSource(page, source(300, { broken: true }));
  await page.getByLabel('From', { exact: true }).fill('');
  await page.getByLabel('To', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Dry run' }).click();
  // The last run's results stay until this one answers: wait for its errors.
  const errs = results.locator('.rule-errors-list li');
  await errs.first().waitFor();
  T.ok((await errs.count()) > 0 && /attempt to index a (number|nil) value/.test(await errs.first().textContent()),
    'a rule failing on records: its errors are listed with their messages');
  await errs.first().getByRole('button', { name: 'Line 8' }).click();
  T.is(await cursorLine(page), 8, 'clicking "Line 8" takes the editor to line 8');
  T.ok(await page.locator('.rule-error-line').first().isVisible(), 'and the line is marked');
  await setSource(page, source(300, { syntax: true }));
  await page.getByRole('button', { name: 'Dry run' }).click();
  const syn = results.getByRole('alert');
  await syn.waitFor();
  T.ok(/'then' expected near 'thenn'/.test(await syn.textContent()), 'a syntax error is shown with Lua\'s message');
  await syn.getByRole('button', { name: 'Go to line 9' }).click();
  T.is(await cursorLine(page), 9, 'and its line, which the editor goes to');
  (page.__expected ||= []).push(/status of 422/);
  await clean(page, 'rule errors');

  // Save it: it is kept and enabled.
  await setSource(page, source(300));
  await page.getByRole('button', { name: 'Save and enable' }).click();
  await page.waitForFunction((n) => location.hash === `#/rules/${n}`, NAME);
  await ready(page);
  T.ok(await page.getByText('Saved as version 1, and enabled.').isVisible(), 'saved as version 1');
  T.is(await page.getByRole('heading', { level: 1 }).textContent(), TITLE, 'the rule\'s title, markup shown as typed');
  T.ok(await page.locator('.rule-badges').getByText('Enabled').isVisible(), 'and it is enabled');
  await clean(page, 'saved rule');

  // A second version.
  await setSource(page, source(250));
  await page.getByRole('button', { name: 'Save and enable' }).click();
  await page.getByText('Saved as version 2, and enabled.').waitFor();
  await ready(page);
  T.ok((await page.evaluate(() => document.querySelector('.CodeMirror').CodeMirror.getValue())).includes('q.amount > 250'),
    'version 2 is in the editor');

  // Disable, then enable.
  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByText('The rule is disabled: it no longer runs.').waitFor();
  await ready(page);
  T.is((await api('analyst', 'GET', `/rules/${NAME}`)).json.enabled, false, 'Disable switches it off');
  await page.getByRole('button', { name: 'Enable', exact: true }).click();
  await page.getByText('The rule is enabled: it runs on every new record of its kinds.').waitFor();
  await ready(page);
  T.is((await api('analyst', 'GET', `/rules/${NAME}`)).json.enabled, true, 'Enable switches it on again');
  await clean(page, 'enable and disable');

  // The list shows it.
  await open(page, '#/rules');
  const row = page.locator('main tbody tr').filter({ has: page.getByRole('link', { name: NAME }) });
  T.ok(await row.getByText('Enabled').isVisible() && await row.getByText('Seizures').isVisible() &&
    await row.getByText('version 2').isVisible(), 'the list: enabled, on seizures, version 2');
  T.ok(await row.getByText(TITLE, { exact: true }).isVisible(), 'its title as typed');
  await clean(page, 'rules list');
  await shot(page, 'rules');

  // A seizure that makes it fire.
  const now = new Date().toISOString().slice(0, 10);
  const sz = await api('officer', 'POST', '/seizures', {
    case: s1.case, occurred_at: now, commodity: { category: 'wildlife', description: 'ivory tusks' },
    quantity: { amount: 640, unit: 'kg' },
  });
  T.is(sz.status, 201, 'an officer adds a 640 kg ivory seizure');

  // Find its alert in the inbox, through the filters.
  await open(page, '#/alerts');
  await page.getByLabel('Rule', { exact: true }).fill(NAME);
  await page.getByLabel('Status').selectOption('new');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction((n) => location.hash.includes(`rule=${n}`) && location.hash.includes('status=new'), NAME);
  await ready(page);
  const rows = page.locator('main tbody tr');
  T.is(await rows.count(), 1, 'the inbox, filtered by the rule, holds the one alert it raised');
  const atitle = `Wildlife 640 kg <img src=x onerror="window.__xss='alert title'">`;
  await page.getByRole('link', { name: atitle, exact: true }).click();
  await page.waitForFunction(() => /^#\/alerts\/A-\d+$/.test(location.hash));
  await ready(page);
  const alertId = page.url().split('/').pop();
  T.ok(await page.getByRole('link', { name: NAME }).isVisible() && await page.getByText('version 2 ·').isVisible(),
    'the alert names the rule (linked) and its version');
  T.ok(await page.getByRole('region', { name: /Records it matched/ }).getByRole('link', { name: sz.json.id }).isVisible(),
    'and the seizure it matched');
  T.is(await page.locator('pre.explain').textContent(), `Over 250.\n<script>window.__xss='explain'</script>`,
    'and its explanation, as typed');
  await page.getByLabel('Note', { exact: true }).fill('tusks match the March shipment');
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await page.locator('.alert-badges').getByText('Acknowledged').waitFor();
  await ready(page);
  T.ok(await page.getByRole('region', { name: 'History' }).getByText('tusks match the March shipment').isVisible(),
    'acknowledged, with the note');
  await page.getByRole('button', { name: 'Promote to a new case' }).click();
  await page.waitForFunction(() => /^#\/cases\/C-\d+$/.test(location.hash));
  await ready(page);
  const a = (await api('analyst', 'GET', `/alerts/${alertId}`)).json;
  T.ok(a.status === 'promoted' && page.url().endsWith(`#/cases/${a.case}`), `promoted to ${a.case}, which opens`);
  await clean(page, 'triage and promote');

  // The versions and their diff.
  await open(page, `#/rules/${NAME}`);
  const hist = page.getByRole('table', { name: 'Every version, newest first' });
  T.is(await hist.locator('tbody tr').count(), 2, 'the history holds two versions');
  T.ok(await hist.getByText('Update rule t45-big-wildlife (version 2)').isVisible(), 'with their commit messages');
  T.is(await page.getByLabel('From version').locator('option:checked').textContent().then((s) => s.split(' ·')[0]), 'version 1',
    'comparing starts from the version before');
  await page.getByRole('button', { name: 'Compare' }).click();
  const diff = page.locator('pre.diff');
  await diff.waitFor();
  T.ok(/^-.*q\.amount > 300 then$/m.test(await diff.locator('.diff-del').allTextContents().then((l) => l.join(''))),
    'the diff shows the removed line');
  T.ok(/^\+.*q\.amount > 250 then$/m.test(await diff.locator('.diff-add').allTextContents().then((l) => l.join(''))),
    'and the added one, each styled as such');
  T.ok(await page.getByText('Lines added: 2; removed: 2.').isVisible(), 'and counts them');
  await clean(page, 'rule history');
  await shot(page, 'rule-history');
  await page.getByRole('button', { name: 'Show the source of version 1' }).click();
  await page.locator('pre.rule-old-source').waitFor();
  T.ok((await page.locator('pre.rule-old-source').textContent()).includes('q.amount > 300'), 'an older version\'s source can be read');
  await clean(page, 'a version\'s source');

  // A rule that fails: the list counts its errors, its page lists them
  // with their lines.
  T.is((await putRule('analyst', 't45-fails', FAILS)).status, 200, 'set-up: a rule that fails on one seizure');
  await api('officer', 'POST', '/seizures', {
    case: s1.case, occurred_at: now, commodity: { category: 'other', description: 't45 fails' },
  });
  await open(page, '#/rules');
  const count = page.getByRole('link', { name: 'Errors of rule t45-fails: 1' });
  T.ok(await count.isVisible(), 'the list counts the rule\'s errors');
  await count.click();
  await page.waitForFunction(() => location.hash === '#/rules/t45-fails');
  await ready(page);
  const errTable = page.getByRole('region', { name: 'Latest errors (1 in all)' });
  T.ok(/t45-fails\.lua:8: cannot read the manifest/.test(await errTable.textContent()), 'its page shows the error\'s message');
  await errTable.getByRole('button', { name: 'Line 8' }).click();
  T.is(await cursorLine(page), 8, 'and its line, which takes the editor there');
  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByText('The rule is disabled: it no longer runs.').waitFor();
  await clean(page, 'rule errors kept');
  await page.context().close();

  // Without CodeMirror: a plain text area that does the same.
  const plain = await newPage('analyst');
  await plain.route('**/vendor/**', (route) => route.abort());
  await open(plain, `#/rules/${NAME}`);
  const ta = plain.getByLabel(LABEL);
  T.is(await ta.evaluate((el) => el.tagName), 'TEXTAREA', 'when CodeMirror cannot be loaded, the source is in a plain text area');
  T.ok((await ta.inputValue()).includes('q.amount > 250'), 'holding the rule');
  await setSource(plain, source(250, { broken: true }));
  await plain.getByRole('button', { name: 'Dry run' }).click();
  await plain.locator('.dry-results').getByText(/Records checked/).waitFor();
  await plain.locator('.rule-errors-list').getByRole('button', { name: 'Line 8' }).first().click();
  T.is(await cursorLine(plain), 8, 'a dry run\'s error takes the text area to its line too');
  (plain.__expected ||= []).push(/Failed to load resource/);
  await clean(plain, 'plain editor');

  // Leave the rule off, through the page: later tests' seizures are theirs.
  await open(plain, `#/rules/${NAME}`);
  await plain.getByRole('button', { name: 'Disable' }).click();
  await plain.getByText('The rule is disabled: it no longer runs.').waitFor();
  T.is((await api('analyst', 'GET', `/rules/${NAME}`)).json.enabled, false, 'the rule is left disabled');
  (plain.__expected ||= []).push(/Failed to load resource/);
  await clean(plain, 'disable');
  await plain.context().close();

  // Officers do not see rules.
  const off = await newPage('officer');
  await open(off, `#/rules/${NAME}`);
  T.ok(await off.getByText('Your role may not open this page.').isVisible(), 'an officer may not open a rule');
  await off.context().close();
}
