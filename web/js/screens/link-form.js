// link-form.js - #/link: link two records. Each end is picked by
// searching (GET /api/v1/search, diacritics-insensitive, or a typed id),
// ?from=ID choosing the first; then the type (the contract's, or a custom
// x-… name), since, until, grading, TLP and notes. POST /api/v1/links,
// then the first record's page. The form itself is form.js's, driven by
// the link's field description.
import { renderForm } from './form.js';

export default {
  async render(root, ctx) {
    await renderForm(root, ctx, 'link');
  },
};
