// The portal's pages besides the reports, in nav order. A page module exports
// { id, title, roles?, render(container) }: `roles` limits who sees it in the
// nav (the API checks roles on every call either way); render fills the page's
// <section> and may be async.
import riskyUsers from './risky-users.js';
import incidents from './incidents.js';
import user from './user.js';
import detectionSettings from './detection-settings.js';
import lists from './lists.js';
import * as notifications from './notifications.js';
import * as connector from './connector.js';
import * as apiKeys from './api-keys.js';

export const PAGES = [
  riskyUsers,
  incidents,
  user,
  detectionSettings,
  lists,
  notifications,
  connector,
  apiKeys,
];
