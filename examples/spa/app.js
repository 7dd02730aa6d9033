// A tiny router on history.pushState; the tracker counts each navigation as a pageview by itself.
import { init } from '/sdk/index.js';

const sightline = init({ websiteId: document.body.dataset.websiteId, allowLocalhost: true });

const views = {
  '/demo/spa/': '<h1>SPA home</h1><p>Navigate with the links above: no page reloads.</p>',
  '/demo/spa/products': '<h1>Products</h1><p>Three fine products.</p>',
  '/demo/spa/settings': '<h1>Settings</h1><p>Nothing to set.</p>',
};

function render() {
  document.getElementById('view').innerHTML =
    views[location.pathname] ?? '<h1>Not found</h1><p>No such route.</p>';
}

document.addEventListener('click', (e) => {
  const link = e.target.closest('a[data-route]');
  if (!link) return;
  e.preventDefault();
  history.pushState({}, '', link.getAttribute('href'));
  render();
});
window.addEventListener('popstate', render);
document
  .getElementById('cta')
  .addEventListener('click', () => sightline.track('spa_cta', { route: location.pathname }));
render();
