// t-25-forms.mjs - the forms, as an officer: a case, then a seizure in it
// and an entity, linked by searching for them; a bad value shows its
// error next to its field and nothing is saved; an edit that meets a
// change made meanwhile says who made it and reloads; text holding markup
// is saved and shown as typed.
const HOSTILE = `<img src=x onerror="window.__xss='form name'">Trần "Tèo" </b><script>window.__xss='form script'</script>`;

// The browser logs an answer of 4xx as a console error: those the test
// provokes on purpose are not problems.
function expected(page, statuses) {
  const re = new RegExp(`status of (${statuses.join('|')})`);
  (page.__expected ||= []).push(re);
}

async function landed(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(location.hash), re.source);
  return decodeURIComponent(new RegExp(re.source).exec(await page.evaluate(() => location.hash))[1]);
}

export default async function ({ T, page: newPage, open, ready, clean, shot, api }) {
  const page = await newPage('officer');
  const tag = Date.now().toString(36);

  // --- a new case, from the cases list ------------------------------------------
  await open(page, '#/cases');
  await page.getByRole('link', { name: 'New case' }).click();
  await page.waitForFunction(() => location.hash === '#/new/case');
  await ready(page);
  T.ok(await page.getByRole('heading', { name: 'New case' }).isVisible(), 'the cases list leads to the new case form');
  T.is(await page.getByLabel('Lead officer').inputValue(), 'olga', 'the lead officer is the one signed in, to begin with');
  const title = `Rhino horn at Noi Bai ${tag}`;
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Status').selectOption('referred');
  await page.getByLabel('Office', { exact: true }).fill('Noi Bai Airport Customs');
  await page.getByLabel('Summary').fill('Horn pieces in a passenger\u2019s checked bags');
  await page.getByLabel('Tags').fill('cites-i, air');
  await shot(page, 'form-case');
  await page.getByRole('button', { name: 'Create' }).click();
  const cid = await landed(page, /^#\/cases\/(C-\d+)$/);
  await ready(page);
  const c = (await api('officer', 'GET', `/cases/${cid}`)).json;
  T.ok(c && c.title === title && c.status === 'referred' && c.created_by === 'olga' &&
    JSON.stringify(c.tags) === '["cites-i","air"]', `the case is created (${cid}) and its page opened`, JSON.stringify(c));
  await clean(page, 'new case');

  // --- a seizure in it: a bad value first ----------------------------------------------
  await open(page, `#/new/seizure?case=${cid}`);
  const caseBox = page.getByRole('combobox', { name: 'Case' });
  await page.getByText(`Chosen: Case ${cid}`).waitFor();
  T.ok((await caseBox.inputValue()).startsWith(cid) && (await caseBox.inputValue()).includes(title),
    'the seizure form has its case chosen from the URL, with its title');
  await page.getByLabel('Date of the seizure', { exact: true }).fill('2025-05-10');
  await page.getByLabel('Date of the seizure: time').fill('14:30');
  await page.getByLabel('Category').selectOption('wildlife');
  await page.getByLabel('Description of the goods').fill('Sừng tê giác, 4 pieces');
  await page.getByLabel('Species').fill('Diceros bicornis');
  await page.getByLabel('HS code').fill('0507.90');
  await page.getByLabel('Quantity', { exact: true }).fill('-3');
  await page.getByLabel('Unit').selectOption('kg');
  await page.getByLabel('Value', { exact: true }).fill('5000');
  await page.getByLabel('Currency').fill('usd');
  await page.getByLabel('Place', { exact: true }).fill('Noi Bai International Airport');
  await page.getByLabel('Country', { exact: true }).fill('vn');
  await page.getByLabel('Type of place').selectOption('airport');
  await page.getByLabel('Direction').selectOption('import');
  await page.getByLabel('Means of transport').selectOption('air');
  await page.getByLabel('Concealment', { exact: true }).selectOption('baggage');
  await page.getByLabel('Detected by').selectOption('x_ray');
  await page.getByRole('button', { name: 'Create' }).click();
  const qty = page.locator('.field[data-field="quantity.amount"]');
  await qty.locator('.field-error').filter({ hasText: /\S/ }).waitFor();
  expected(page, [422]);
  T.ok(/> ?0|positive|greater/i.test(await qty.locator('.field-error').textContent()),
    `the API's error shows next to the quantity ("${await qty.locator('.field-error').textContent()}")`);
  T.ok(await page.getByLabel('Quantity', { exact: true }).evaluate((el) => el === document.activeElement && el.getAttribute('aria-invalid') === 'true'),
    'the quantity is focused and marked invalid');
  T.is(await page.getByLabel('Description of the goods').inputValue(), 'Sừng tê giác, 4 pieces', 'what was typed is kept');
  const none = (await api('officer', 'GET', `/seizures?where=case=${cid}`)).json;
  T.is(none.items.length, 0, 'and nothing was saved');
  await shot(page, 'form-seizure');

  // Corrected, with a route chosen by searching for one of its places.
  await page.getByLabel('Quantity', { exact: true }).fill('12,5');
  const route = page.getByRole('combobox', { name: 'Route' });
  await route.fill('port klang');
  await page.getByRole('listbox', { name: 'Route' }).getByRole('option').first().waitFor();
  await route.press('Enter');
  await page.getByText(/^Chosen: Route R-\d+$/).waitFor();
  await page.getByRole('button', { name: 'Create' }).click();
  const sid = await landed(page, /^#\/seizures\/(S-\d+)$/);
  await ready(page);
  const s = (await api('officer', 'GET', `/seizures/${sid}`)).json;
  T.ok(s && s.case === cid && s.quantity.amount === 12.5 && s.quantity.unit === 'kg' && s.value.currency === 'USD' &&
    s.location.country === 'VN' && s.commodity.hs_code && s.concealment.method === 'baggage' && /^R-\d+$/.test(s.route || ''),
  `the seizure is created (${sid}) with the fields typed`, JSON.stringify(s));
  T.is(s.occurred_at, '2025-05-10T07:30:00Z', 'the date and local time are sent as the UTC instant');
  T.ok(!page.url().includes('new/seizure'), 'and its page is opened');
  await clean(page, 'new seizure');

  // --- an entity: its type first, then identifiers for that type --------------------
  await open(page, '#/new/entity');
  await page.getByLabel('Type', { exact: true }).selectOption('person');
  const id1 = page.getByRole('group', { name: 'Identifier 1' });
  await id1.waitFor();
  T.is(await id1.getByLabel('Identifier', { exact: true }).inputValue(), 'passport', 'a person is offered a passport first');
  await page.getByLabel('Name', { exact: true }).fill(HOSTILE);
  await page.getByLabel('Other names').fill('Tèo\nTeo Trần');
  await page.getByLabel('Nationality').fill('VN');
  await page.getByLabel('Date of birth').fill('1980-02-29');
  await id1.getByLabel('Value').fill('B1234567');
  await page.getByRole('button', { name: 'Add an identifier' }).click();
  const id2 = page.getByRole('group', { name: 'Identifier 2' });
  await id2.getByLabel('Identifier', { exact: true }).selectOption('phone');
  await id2.getByLabel('Value').fill('0912 not a number');
  await page.getByRole('button', { name: 'Create' }).click();
  const phone = page.locator('.field[data-field="identifiers.phone"]');
  await phone.locator('.field-error').filter({ hasText: /\S/ }).waitFor();
  expected(page, [422]);
  T.ok(await id2.getByLabel('Value').evaluate((el) => el === document.activeElement),
    `an identifier's error shows next to its row and focuses it ("${await phone.locator('.field-error').textContent()}")`);
  await id2.getByLabel('Value').fill('+84912345678');
  await shot(page, 'form-entity');
  await page.getByRole('button', { name: 'Create' }).click();
  const eid = await landed(page, /^#\/entities\/(E-\d+)$/);
  await ready(page);
  const e = (await api('officer', 'GET', `/entities/${eid}`)).json;
  T.ok(e && e.type === 'person' && e.identifiers.passport === 'B1234567' && e.identifiers.phone === '+84912345678' &&
    JSON.stringify(e.aliases) === '["Tèo","Teo Trần"]' && e.born_on === '1980-02-29',
  `the entity is created (${eid}) with its identifiers`, JSON.stringify(e));
  T.is(e.name, HOSTILE, 'a name holding markup is saved as typed');
  await clean(page, 'new entity');

  // Shown as typed: the edit form holds it as text.
  await open(page, `#/edit/${eid}`);
  T.is(await page.getByLabel('Name', { exact: true }).inputValue(), HOSTILE, 'the edit form shows the name as typed');
  T.ok(await page.getByText(HOSTILE, { exact: true }).isVisible(), 'and the heading line shows it as text');
  await clean(page, 'edit entity with markup');

  // --- link them: the entity preselected, the seizure found by searching --------------
  await open(page, `#/link?from=${eid}`);
  await page.getByText(`Chosen: Entity ${eid}`).waitFor();
  T.ok((await page.getByRole('combobox', { name: 'From' }).inputValue()).includes(HOSTILE),
    'the link form has its first record from the URL, its name as typed');
  await page.getByLabel('Type of link').selectOption('consignee_of');
  const to = page.getByRole('combobox', { name: 'To' });
  // Results holding markup are listed as text.
  await to.fill('onerror');
  await page.getByRole('listbox', { name: 'To' }).getByRole('option', { name: /window\.__xss='entity'/ }).waitFor();
  T.ok(await page.getByRole('listbox', { name: 'To' }).getByText(`<img src=x onerror="window.__xss='entity'">`, { exact: true }).isVisible(),
    'a result whose name holds markup is listed as typed');
  await to.fill('sung te giac');	// folded: "Sừng tê giác"
  const toList = page.getByRole('listbox', { name: 'To' });
  await toList.getByRole('option', { name: new RegExp(`\\b${sid}\\b`) }).waitFor();
  const options = await toList.getByRole('option').allTextContents();
  T.ok(options.some((o) => o.includes(sid) && o.includes('Seizure') && o.includes('Sừng tê giác')),
    `searching without diacritics finds the seizure, with its kind, id and description (${options.join(' | ')})`);
  for (let i = 0; i < options.findIndex((o) => o.includes(sid)); i++) await to.press('ArrowDown');
  await to.press('Enter');
  await page.getByText(`Chosen: Seizure ${sid}`).waitFor();
  T.ok((await to.inputValue()).startsWith(sid), 'the arrow keys and Enter choose it');
  await page.getByLabel('Since', { exact: true }).fill('2025-05-01');
  await shot(page, 'link-form');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForFunction((h) => location.hash === h, `#/entities/${eid}`);
  await ready(page);
  const links = (await api('officer', 'GET', `/links?where=from=${eid}`)).json.items;
  T.ok(links.length === 1 && links[0].to === sid && links[0].type === 'consignee_of' && links[0].since === '2025-05-01',
    'the link is created, and the first record\u2019s page opened', JSON.stringify(links));
  await clean(page, 'link form');

  // --- an edit that meets a change made meanwhile ----------------------------------------
  await open(page, `#/edit/${cid}`);
  T.is(await page.getByLabel('Title').inputValue(), title, 'the edit form holds the record');
  await page.getByLabel('Office', { exact: true }).fill('Moc Bai Border Gate');
  const other = await api('analyst', 'PATCH', `/cases/${cid}`, { status: 'prosecuted' });
  T.is(other.status, 200, 'meanwhile an analyst changes the case');
  await page.getByRole('button', { name: 'Save' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'changed this record' });
  await alert.waitFor();
  expected(page, [412]);
  const said = await alert.textContent();
  T.ok(said.includes('anna changed this record') && /version 2/.test(said) && /will be lost/.test(said),
    `the conflict says who changed it, when, and that reloading loses the edit ("${said}")`);
  T.is(await page.getByLabel('Office', { exact: true }).inputValue(), 'Moc Bai Border Gate', 'what was typed is still there');
  await page.getByRole('button', { name: 'Reload' }).click();
  await page.getByRole('alert').filter({ hasText: 'changed this record' }).waitFor({ state: 'detached' });
  await ready(page);
  T.ok((await page.getByLabel('Status').inputValue()) === 'prosecuted' &&
    (await page.getByLabel('Office', { exact: true }).inputValue()) === 'Noi Bai Airport Customs',
  'Reload shows the record as it is now');
  await page.getByLabel('Office', { exact: true }).fill('Moc Bai Border Gate');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForFunction((h) => location.hash === h, `#/cases/${cid}`);
  await ready(page);
  const c2 = (await api('officer', 'GET', `/cases/${cid}`)).json;
  T.ok(c2.office === 'Moc Bai Border Gate' && c2.status === 'prosecuted' && c2.version === 3 && c2.title === title,
    'saved again, only what changed is sent (the analyst\u2019s status stays)', JSON.stringify(c2));
  await clean(page, 'edit conflict');

  // The seeded hostile seizure in its edit form: its text is text.
  const hs = (await api('officer', 'GET', '/seizures?where=commodity.category=narcotics&limit=1000')).json.items
    .find((x) => /<script>/.test(x.commodity.description || ''));
  if (T.ok(hs, 'the seeded seizure holding markup is there')) {
    await open(page, `#/edit/${hs.id}`);
    T.is(await page.getByLabel('Description of the goods').inputValue(), hs.commodity.description,
      'a seizure\u2019s description holding script is shown as typed');
    T.is(await page.getByLabel('Place', { exact: true }).inputValue(), hs.location.place, 'and its place');
    await clean(page, 'edit hostile seizure');
  }

  // Vietnamese: the form's labels are translated.
  await page.getByLabel('Language').first().selectOption('vi');
  await open(page, '#/new/seizure');
  T.ok(await page.getByRole('heading', { name: 'Vụ bắt giữ mới' }).isVisible() &&
    await page.getByLabel('Loại hàng').isVisible(), 'the seizure form in Vietnamese');
  await page.getByLabel('Ngôn ngữ').first().selectOption('en');
  await ready(page);
  await clean(page, 'forms in Vietnamese');
  await page.context().close();
}
