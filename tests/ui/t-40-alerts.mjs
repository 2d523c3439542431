// t-40-alerts.mjs - the alert inbox and an alert, as an officer: filters
// in the URL (as the dashboard links them), several alerts dismissed at
// once with a note (and each failure reported by alert), an alert's rule,
// explanation, records and history, acknowledging with a note, promoting
// to a new case and attaching to an existing one; alert text holding
// markup shows as typed.
const RULE = `return {
  name = "t40-tagged",
  title = "Seizures tagged for the inbox test",
  severity = "low",
  on = { "seizure" },
  check = function(rec)
    for _, tag in ipairs(rec.tags) do
      if tag == "t40" then
        local a = rec.attributes
        alert {
          key = rec.id,
          title = a.title,
          severity = a.sev,
          explain = a.explain,
          refs = { rec.id, rec.case },
        }
      end
    end
  end,
}
`;
const HOSTILE = `<img src=x onerror="window.__xss='alert title'">"><script>window.__xss='alert script'</script>`;
const HOSTILE_EXPLAIN = `Because <b>bold</b>\n<script>window.__xss='explain'</script> and <img src=x onerror="window.__xss='explain img'">`;

export default async function (ctx) {
  const { T, page: newPage, open, ready, clean, shot, api, putRule, came } = ctx;
  // A rule of our own, and seizures that make it fire, through the API.
  T.is((await putRule('analyst', 't40-tagged', RULE)).status, 200, 'set-up: the test rule is saved');
  const cases = await api('officer', 'GET', `/cases?where=${encodeURIComponent('title=Pangolin scales at Cat Lai')}`);
  const caseId = cases.json.items[0].id;
  const alertOf = {};
  for (const [name, sev, title, explain] of [
    ['big1', 'high', 'Ivory in a container, 400 kg', 'Over the threshold.'],
    ['big2', 'high', 'Rhino horn in luggage', 'Second seizure this month.'],
    ['hostile', 'medium', HOSTILE, HOSTILE_EXPLAIN],
    ['low1', 'low', 'Small parcel of scales (1)', null],
    ['low2', 'low', 'Small parcel of scales (2)', null],
    ['esc', 'critical', 'Pangolin scales by air freight', null],
  ]) {
    const attributes = { title, sev };
    if (explain) attributes.explain = explain;
    const s = await api('officer', 'POST', '/seizures', {
      case: caseId, occurred_at: '2025-05-01', commodity: { category: 'wildlife', description: `t40 ${name}` },
      tags: ['t40'], attributes,
    });
    const a = await api('officer', 'GET', `/alerts?rule=t40-tagged&where=${encodeURIComponent(`key=${s.json.id}`)}`);
    alertOf[name] = a.json.items[0];
  }
  T.ok(Object.values(alertOf).every((a) => a && a.status === 'new'), 'set-up: each seizure raised its alert');

  const page = await newPage('officer');

  // The inbox, filtered as the dashboard links it.
  await open(page, '#/alerts?status=new&severity=high&rule=t40-tagged');
  T.is(await page.getByLabel('Status').inputValue(), 'new', 'the status filter comes from the URL');
  T.is(await page.getByLabel('Severity').inputValue(), 'high', 'and the severity');
  const rows = page.locator('main tbody tr');
  T.is(await rows.count(), 2, 'two new high alerts of the rule');
  T.ok(await rows.first().getByText('High', { exact: true }).isVisible() &&
    await rows.first().getByText('New', { exact: true }).isVisible(), 'with severity and status badges');
  T.ok(await page.getByRole('link', { name: 'Ivory in a container, 400 kg' }).isVisible(), 'the alert title links to it');
  T.ok(/\d{4}/.test(await rows.first().locator('time').first().textContent()), 'when it was raised, as a date');
  T.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ UTC$/.test(await rows.first().locator('time').first().getAttribute('title')),
    'in the user\'s time zone, with the UTC time on hover');
  T.is((await rows.first().locator('td').last().textContent()).trim(), '2', 'and how many records it names');
  await clean(page, 'alert inbox');
  await shot(page, 'alerts');

  // Filtering through the form changes the URL.
  await page.getByLabel('Severity').selectOption('low');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => location.hash.includes('severity=low'));
  await ready(page);
  T.ok(page.url().includes('rule=t40-tagged') && page.url().includes('status=new'), 'the form keeps the other filters in the URL');
  T.is(await rows.count(), 2, 'two low ones');

  // Several at once: dismiss both with one note.
  T.ok(await page.getByRole('button', { name: 'Dismiss' }).isDisabled(), 'nothing chosen: the actions wait');
  await page.getByLabel('Select every alert on this page').check();
  T.ok(await page.getByLabel(`Select ${alertOf.low1.id}`).isChecked() && await page.getByLabel(`Select ${alertOf.low2.id}`).isChecked(),
    'select all chooses every row');
  await page.getByLabel('Note for the selected alerts').fill('duplicates of the March parcels');
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByText('Dismissed: 2 alerts.').waitFor();
  await ready(page);
  for (const k of ['low1', 'low2']) {
    const a = (await api('officer', 'GET', `/alerts/${alertOf[k].id}`)).json;
    const last = (await api('officer', 'GET', `/alerts/${alertOf[k].id}/history`)).json.items[0];
    T.ok(a.status === 'dismissed' && last.op === 'dismiss' && last.note === 'duplicates of the March parcels',
      `${alertOf[k].id} is dismissed, with the note`);
  }
  T.is(await rows.count(), 0, 'and they leave the list of new alerts');
  await clean(page, 'bulk dismiss');

  // Each failure is reported by alert.
  await open(page, '#/alerts?severity=low&rule=t40-tagged');
  await page.getByLabel(`Select ${alertOf.low1.id}`).check();
  await page.getByLabel(`Select ${alertOf.low2.id}`).check();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  const failure = page.getByRole('alert').filter({ hasText: 'could not be changed' });
  await failure.waitFor();
  const ftext = await failure.textContent();
  T.ok(ftext.includes(alertOf.low1.id) && ftext.includes(alertOf.low2.id) && /dismissed already/.test(ftext),
    'dismissing them again: each alert is named with its reason');
  (page.__expected ||= []).push(/status of 422/);
  await clean(page, 'bulk failures');

  // The hostile alert, in the list and on its page.
  await open(page, '#/alerts?severity=medium&rule=t40-tagged');
  T.ok(await page.getByRole('link', { name: HOSTILE, exact: true }).isVisible(), 'an alert title holding markup shows as typed in the list');
  await clean(page, 'hostile alert in the list');
  await page.getByRole('link', { name: HOSTILE, exact: true }).click();
  await page.waitForFunction((id) => location.hash === `#/alerts/${id}`, alertOf.hostile.id);
  await ready(page);
  T.is(await page.getByRole('heading', { level: 1 }).textContent(), HOSTILE, 'and as the alert page\'s heading');
  T.is(await page.locator('pre.explain').textContent(), HOSTILE_EXPLAIN, 'its explanation, as typed, lines kept');
  T.ok(await page.getByText('t40-tagged', { exact: true }).first().isVisible(), 'the rule that raised it');
  T.ok(await page.getByTitle(alertOf.hostile.rule_version).isVisible(), 'and the version (commit) of it');
  const refs = page.getByRole('region', { name: /Records it matched/ });
  T.ok(await refs.getByRole('link', { name: 'Pangolin scales at Cat Lai' }).isVisible() &&
    await refs.getByRole('link', { name: alertOf.hostile.refs[0] }).isVisible(), 'the records it matched, each linked');
  await page.getByLabel('Note', { exact: true }).fill('checking with the airline');
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await page.locator('main .alert-badges').getByText('Acknowledged').waitFor();
  await ready(page);
  const hist = page.getByRole('region', { name: 'History' });
  const entry = hist.getByRole('row').filter({ hasText: 'checking with the airline' });
  T.ok(await entry.getByRole('cell', { name: 'olga' }).isVisible() && await entry.getByRole('cell', { name: 'Acknowledged' }).isVisible(),
    'acknowledged: the history shows who did what, and the note');
  T.ok(await hist.getByRole('cell', { name: 'Raised', exact: true }).isVisible(), 'and when it was raised');
  T.ok(await page.getByRole('button', { name: 'Acknowledge' }).isDisabled(), 'it cannot be acknowledged twice');
  await clean(page, 'alert page');
  await shot(page, 'alert');

  // Escalate one from its page, with a note.
  await open(page, `#/alerts/${alertOf.esc.id}`);
  await page.getByLabel('Note', { exact: true }).fill('to the regional desk');
  await page.getByRole('button', { name: 'Escalate' }).click();
  T.ok(await came(page.locator('main .alert-badges').getByText('Escalated').waitFor()), 'an alert is escalated from its page');
  await ready(page);
  const esc = (await api('officer', 'GET', `/alerts/${alertOf.esc.id}`)).json;
  const escLast = (await api('officer', 'GET', `/alerts/${alertOf.esc.id}/history`)).json.items[0];
  T.ok(esc.status === 'escalated' && escLast.op === 'escalate' && escLast.note === 'to the regional desk',
    'it is stored escalated, with the note');
  await clean(page, 'escalate');

  // The period raised, in the URL: the day it was raised has it, 2020 none.
  const today = alertOf.esc.raised_at.slice(0, 10);
  await open(page, `#/alerts?rule=t40-tagged&severity=critical&since=${today}&until=${today}`);
  T.is(await page.getByLabel('Raised from').inputValue(), today, 'the period comes from the URL');
  T.is(await rows.count(), 1, 'raised that day: the critical one');
  await open(page, '#/alerts?rule=t40-tagged&until=2020-01-01');
  T.is(await rows.count(), 0, 'raised before 2020: none');
  await clean(page, 'alerts by period');

  // Promote one to a new case: the case opens.
  await open(page, `#/alerts/${alertOf.big1.id}`);
  await page.getByLabel('Note', { exact: true }).fill('one case for the container');
  await page.getByRole('button', { name: 'Promote to a new case' }).click();
  await page.waitForFunction(() => /^#\/cases\/C-\d+$/.test(location.hash));
  await ready(page);
  const promoted = (await api('officer', 'GET', `/alerts/${alertOf.big1.id}`)).json;
  T.ok(promoted.status === 'promoted' && page.url().endsWith(`#/cases/${promoted.case}`),
    `promoted: the new case ${promoted.case} opens`);
  const newCase = (await api('officer', 'GET', `/cases/${promoted.case}`)).json;
  T.is(newCase.title, 'Ivory in a container, 400 kg', 'titled after the alert');
  await clean(page, 'promote');

  // Attach another to the existing case, found by searching.
  await open(page, `#/alerts/${alertOf.big2.id}`);
  await page.getByLabel(/Find a case/).fill('pangolin');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  const pick = page.getByRole('button', { name: `Attach to ${caseId}: Pangolin scales at Cat Lai` });
  T.ok(await came(pick.waitFor()), 'searching "pangolin" finds the case');
  await pick.click();
  await page.waitForFunction((c) => location.hash === `#/cases/${c}`, caseId);
  await ready(page);
  const attached = (await api('officer', 'GET', `/alerts/${alertOf.big2.id}`)).json;
  T.ok(attached.status === 'promoted' && attached.case === caseId, `attached: the alert joins ${caseId}, which opens`);
  const links = (await api('officer', 'GET', `/links?where=${encodeURIComponent(`from=${attached.refs[0]}`)}&where=${encodeURIComponent(`to=${caseId}`)}`)).json;
  T.ok(links.items.length === 1 && links.items[0].type === 'involved_in', 'its seizure is linked to the case');
  await clean(page, 'attach');

  // A promoted alert is final; its page says where it went.
  await open(page, `#/alerts/${alertOf.big2.id}`);
  T.ok(await page.getByRole('link', { name: `Open case ${caseId}` }).isVisible() &&
    (await page.getByRole('button', { name: 'Dismiss' }).count()) === 0, 'a promoted alert offers its case, and no more triage');
  await clean(page, 'promoted alert');

  // In Vietnamese.
  const vi = await newPage('officer', { lang: 'vi' });
  await open(vi, '#/alerts?rule=t40-tagged');
  T.ok(await vi.getByRole('heading', { name: 'Cảnh báo' }).isVisible() && await vi.getByLabel('Mức độ').isVisible(),
    'the inbox in Vietnamese');
  await clean(vi, 'inbox in Vietnamese');
  await vi.context().close();
  await page.context().close();

  // Leave the rule off: the later tests' seizures are theirs.
  await api('analyst', 'POST', '/rules/t40-tagged/disable');
}
