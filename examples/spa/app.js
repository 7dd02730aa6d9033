// A tiny client-side router. The tracker needs no calls from it: it sees pushState, popstate and
// (with hashRouting) hashchange by itself and counts one pageview per route.
import { init } from '/sdk/index.js';

const sightline = init({
  websiteId: document.body.dataset.websiteId,
  allowLocalhost: true,
  hashRouting: true,
});

const base = '/demo/spa/';
const tasks = ['Water the plants', 'Reply to Sam', 'Book the dentist'];
const projects = { Garden: 4, Taxes: 2, 'Kitchen shelf': 7 };
const tabs = {
  '#/profile': '<p>Name: Demo User<br />E-mail: demo@example.com</p>',
  '#/notifications': '<p>Daily digest at 8:00. No pings on weekends.</p>',
};

const routes = {
  '': () => `
    <h1>Inbox</h1>
    <ul class="tasks">${tasks.map((t) => `<li><label><input type="checkbox" /> ${t}</label></li>`).join('')}</ul>
    <button id="add-task">Add a task</button>
    <p class="sent" id="sent"></p>`,
  projects: () => {
    const sort = new URLSearchParams(location.search).get('sort');
    const names = Object.keys(projects);
    if (sort == 'open') names.sort((a, b) => projects[b] - projects[a]);
    return `
      <h1>Projects</h1>
      <ul class="tasks">${names.map((n) => `<li>${n} <span class="count">${projects[n]} open</span></li>`).join('')}</ul>
      <button id="sort" class="secondary">${sort ? 'Sorted by open tasks' : 'Sort by open tasks'}</button>`;
  },
  settings: () => {
    const tab = tabs[location.hash] ? location.hash : '#/profile';
    return `
      <h1>Settings</h1>
      <div class="tabs">${Object.keys(tabs)
        .map((h) => `<a href="${h}"${h == tab ? ' aria-current="page"' : ''}>${h.slice(2)}</a>`)
        .join('')}</div>
      <section class="panel">${tabs[tab]}</section>`;
  },
};

function render() {
  const route = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : '';
  const view = Object.hasOwn(routes, route)
    ? routes[route]
    : () => '<h1>Not found</h1><p>No such route in this app.</p>';
  document.getElementById('view').innerHTML = view();
  for (const a of document.querySelectorAll('nav a[data-route]'))
    a.toggleAttribute('aria-current', new URL(a.href).pathname == location.pathname);
}

document.addEventListener('click', (e) => {
  const link = e.target.closest('a[data-route]');
  if (link) {
    e.preventDefault();
    history.pushState(null, '', link.getAttribute('href'));
    render();
  } else if (e.target.closest('#add-task')) {
    // a custom event, sent at once to /collect
    sightline.track('task_added', { count: tasks.length + 1 });
    tasks.push('A new task');
    render();
    document.getElementById('sent').textContent =
      `Sent: track('task_added', { count: ${tasks.length} })`;
  } else if (e.target.closest('#sort')) {
    // same path, new query: replaceState here is not a new pageview
    history.replaceState(null, '', '?sort=open');
    render();
  }
});
// back/forward and the #/… tab links (a fragment navigation fires popstate, then hashchange)
addEventListener('popstate', render);
render();
