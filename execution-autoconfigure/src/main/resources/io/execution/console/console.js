/*
 * The Execution console. Plain JavaScript, no library: every value from the server is put in
 * the page as text (never as HTML), so nothing a worker, a tag or an error message holds runs
 * here. Reads poll one shared snapshot; writes are JSON POSTs to the console endpoint, which a
 * form on another site cannot send.
 */
(function () {
	'use strict';

	// The page's address says what it shows (#view/item?filter), so a reload or a shared link opens it again.
	const state = { view: 'overview', item: [], query: {}, writable: false, snapshot: null, timer: null, interval: 2000,
		deadLetterQueue: null, requested: {}, pending: null };

	// Where the console lives, with or without a trailing slash (/actuator/console or /actuator/console/).
	const base = window.executionConsoleBase || (location.pathname.replace(/\/+$/, '') + '/');

	function $(selector) {
		return document.querySelector(selector);
	}

	function el(tag, attributes) {
		const node = document.createElement(tag);
		Object.keys(attributes || {}).forEach(function (name) {
			if (name === 'text') {
				node.textContent = attributes.text;
			}
			else if (name === 'onclick') {
				node.addEventListener('click', attributes.onclick);
			}
			else {
				node.setAttribute(name, attributes[name]);
			}
		});
		for (let i = 2; i < arguments.length; i++) {
			const child = arguments[i];
			if (child !== null && child !== undefined) {
				node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
			}
		}
		return node;
	}

	function show(node, visible) {
		if (visible) {
			node.removeAttribute('hidden');
		}
		else {
			node.setAttribute('hidden', 'hidden');
		}
	}

	function cookie(name) {
		const found = document.cookie.split(';').map(function (part) {
			return part.trim();
		}).filter(function (part) {
			return part.indexOf(name + '=') === 0;
		})[0];
		return found ? decodeURIComponent(found.substring(name.length + 1)) : null;
	}

	function request(method, path, body) {
		return new Promise(function (resolve, reject) {
			const xhr = new XMLHttpRequest();
			xhr.open(method, path, true);
			xhr.setRequestHeader('Accept', 'application/json');
			if (body !== undefined) {
				xhr.setRequestHeader('Content-Type', 'application/json');
				const csrf = cookie('XSRF-TOKEN');
				if (csrf) {
					xhr.setRequestHeader('X-XSRF-TOKEN', csrf);
				}
			}
			xhr.onload = function () {
				let json = null;
				try {
					json = xhr.responseText ? JSON.parse(xhr.responseText) : null;
				}
				catch (e) {
					json = null;
				}
				if (xhr.status >= 200 && xhr.status < 300) {
					resolve(json);
				}
				else {
					reject({ status: xhr.status, body: json });
				}
			};
			xhr.onerror = function () {
				reject({ status: 0, body: null });
			};
			xhr.send(body !== undefined ? JSON.stringify(body) : null);
		});
	}

	function problem(text) {
		const node = $('#problem');
		node.textContent = text || '';
		show(node, !!text);
	}

	function failure(error) {
		if (error.status === 401 || error.status === 403) {
			return 'Not allowed (' + error.status + '): the management security refuses this to you.';
		}
		const message = error.body && (error.body.message || error.body.error);
		return 'The application answered ' + (error.status || 'nothing') + (message ? ': ' + message : '');
	}

	function act(action, fields) {
		const body = Object.assign({ action: action }, fields || {});
		return request('POST', base.replace(/\/$/, ''), body).then(function (answer) {
			problem(null);
			return answer;
		}, function (error) {
			problem(failure(error));
			throw error;
		});
	}

	function notice(text) {
		const node = $('#notice');
		node.textContent = text || '';
		show(node, !!text);
	}

	// Asks before an action that cannot be taken back, in the page (no dialog box to block a tab).
	function confirmThen(question, run) {
		state.pending = run;
		$('#confirm .question').textContent = question;
		show($('#confirm'), true);
	}

	function answer(yes) {
		const run = state.pending;
		state.pending = null;
		show($('#confirm'), false);
		if (yes && run) {
			run();
		}
	}

	// An instant from the server (ISO-8601, maybe with nanoseconds) in the reader's local time, to the second.
	function instant(iso) {
		if (!iso) {
			return '';
		}
		const date = new Date(String(iso).replace(/(\.\d{3})\d+/, '$1'));
		return isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
	}

	function epoch(iso) {
		return iso ? new Date(String(iso).replace(/(\.\d{3})\d+/, '$1')).getTime() : NaN;
	}

	// JSON for people: indented, and a string that holds JSON (a request, a result) shown as the JSON it holds.
	function pretty(value) {
		function unfold(node) {
			if (typeof node === 'string' && /^\s*[\[{]/.test(node)) {
				try {
					return unfold(JSON.parse(node));
				}
				catch (e) {
					return node;
				}
			}
			if (Array.isArray(node)) {
				return node.map(unfold);
			}
			if (node && typeof node === 'object') {
				const copy = {};
				Object.keys(node).forEach(function (key) {
					copy[key] = unfold(node[key]);
				});
				return copy;
			}
			return node;
		}
		return JSON.stringify(unfold(value), null, 2);
	}

	function millis(value) {
		if (value === null || value === undefined || value < 0) {
			return '–';
		}
		if (value < 1000) {
			return value + ' ms';
		}
		if (value < 120000) {
			return (value / 1000).toFixed(1) + ' s';
		}
		return Math.round(value / 60000) + ' min';
	}

	function percent(value) {
		return (value * 100).toFixed(value > 0 && value < 0.01 ? 2 : 1) + ' %';
	}

	function spark(points, field, color) {
		const width = 120;
		const height = 24;
		const values = points.map(function (point) {
			return Number(point[field]) || 0;
		});
		const most = Math.max.apply(null, values.concat([1e-9]));
		const step = values.length > 1 ? width / (values.length - 1) : width;
		const coordinates = values.map(function (value, i) {
			return (i * step).toFixed(1) + ',' + (height - 2 - (value / most) * (height - 4)).toFixed(1);
		}).join(' ');
		const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
		svg.setAttribute('class', 'spark');
		svg.setAttribute('width', String(width));
		svg.setAttribute('height', String(height));
		const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
		title.textContent = field + ', last ' + values.length + ' points; now ' + (values[values.length - 1] || 0);
		svg.appendChild(title);
		const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
		line.setAttribute('points', coordinates);
		line.setAttribute('stroke', color);
		svg.appendChild(line);
		return svg;
	}

	function replaceRows(table, rows) {
		const body = $(table + ' tbody');
		while (body.firstChild) {
			body.removeChild(body.firstChild);
		}
		rows.forEach(function (row) {
			body.appendChild(row);
		});
	}

	function empty(columns, text) {
		return el('tr', {}, el('td', { colspan: String(columns), class: 'muted', text: text }));
	}

	// Addresses: #view, #executions/<id>, #deadletters/<queue>/<id>, #workers/<id>, #executions?status=…

	function address(view, item, query) {
		const path = [view].concat((item || []).filter(function (part) {
			return part !== null && part !== undefined && part !== '';
		}).map(encodeURIComponent)).join('/');
		const parameters = Object.keys(query || {}).filter(function (name) {
			return query[name];
		}).map(function (name) {
			return name + '=' + encodeURIComponent(query[name]);
		});
		return '#' + path + (parameters.length ? '?' + parameters.join('&') : '');
	}

	function go(view, item, query) {
		const target = address(view, item, query);
		if (location.hash === target) {
			route();
		}
		else {
			location.hash = target;
		}
	}

	function parse() {
		const hash = location.hash.replace(/^#/, '') || 'overview';
		const at = hash.indexOf('?');
		const path = (at >= 0 ? hash.substring(0, at) : hash).split('/').map(decodeURIComponent);
		const query = {};
		(at >= 0 ? hash.substring(at + 1) : '').split('&').filter(Boolean).forEach(function (pair) {
			const equals = pair.indexOf('=');
			query[decodeURIComponent(equals >= 0 ? pair.substring(0, equals) : pair)] =
				equals >= 0 ? decodeURIComponent(pair.substring(equals + 1)) : '';
		});
		const views = ['overview', 'queues', 'workers', 'executions', 'recurring', 'deadletters'];
		return { view: views.indexOf(path[0]) >= 0 ? path[0] : 'overview', item: path.slice(1), query: query };
	}

	// Views

	function counters(snapshot) {
		const totals = snapshot.totals || {};
		const box = $('#counters');
		while (box.firstChild) {
			box.removeChild(box.firstChild);
		}
		[['queued', 'queued'], ['scheduled', 'scheduled'], ['running', 'running'], ['succeeded', 'succeeded'],
			['thrown', 'thrown'], ['failed', 'failed'], ['deadLetters', 'dead letters']].forEach(function (counter) {
			const value = totals[counter[0]] || 0;
			box.appendChild(el('div', { class: 'counter counter-' + counter[0] + (value > 0 ? ' some' : ''), 'data-counter': counter[0] },
				el('b', { text: String(value) }), el('span', { text: counter[1] })));
		});
		box.appendChild(el('p', { class: 'muted', text: 'Waiting and running: every queue and live worker. Ended: the calls '
			+ (totals.of === 'served' ? 'this application served' : 'this application\u2019s clients made')
			+ ' since it started.' }));
	}

	function renderOverview(snapshot) {
		counters(snapshot);
		const rows = snapshot.endpoints.map(function (endpoint) {
			const circuit = el('td', {});
			if (endpoint.circuit) {
				circuit.appendChild(el('span', { class: 'state-' + endpoint.circuit, text: endpoint.circuit }));
			}
			else {
				circuit.appendChild(el('span', { class: 'muted', text: endpoint.queue ? 'queue ' + endpoint.queue : '–' }));
			}
			Object.keys(endpoint.urls || {}).forEach(function (url) {
				const instance = endpoint.urls[url];
				circuit.appendChild(el('span', { class: 'url' }, url + ' ',
					el('span', { class: 'state-' + instance.circuit, text: instance.circuit }),
					instance.healthy ? '' : ' (unhealthy)'));
			});
			return el('tr', { class: endpoint.open ? 'open' : '', 'data-endpoint': endpoint.name },
				el('td', { text: endpoint.name }), el('td', { text: endpoint.mode }), circuit,
				el('td', { class: 'calls', text: String(endpoint.callsPerSecond) }),
				el('td', { text: percent(endpoint.errorRate) }), el('td', { text: endpoint.p99Ms + ' ms' }),
				el('td', {}, spark(endpoint.history, 'callsPerSecond', '#2f5fd0'), ' ',
					spark(endpoint.history, 'errorRate', '#c62828'), ' ', spark(endpoint.history, 'p99Ms', '#6b7385')));
		});
		const serves = (snapshot.served || []).length > 0 || snapshot.workers.some(function (worker) {
			return worker.self;
		});
		replaceRows('#endpoints', rows.length ? rows : [empty(7, serves ? 'This application calls no endpoint: what it serves is below.' : 'No endpoint yet.')]);
		show($('#served-here'), serves);
		replaceRows('#served', (snapshot.served || []).map(function (service) {
			const outcomes = service.outcomes || {};
			return el('tr', { 'data-served': service.name }, el('td', { text: service.name }),
				el('td', { class: 'calls', text: String(service.callsPerSecond) }), el('td', { text: String(service.calls) }),
				el('td', { text: String(outcomes.serviceException || 0) }), el('td', { text: String(service.failures) }),
				el('td', { text: service.p50Ms + ' ms' }), el('td', { text: service.p99Ms + ' ms' }));
		}).concat((snapshot.served || []).length ? [] : [empty(7, 'No call served yet.')]));
		const self = snapshot.workers.filter(function (worker) {
			return worker.self;
		})[0];
		replaceRows('#pools', self ? self.pools.map(function (pool) {
			return el('tr', { 'data-pool': pool.queue }, el('td', { text: pool.queue }),
				el('td', { text: pool.inFlight + ' / ' + pool.concurrency }),
				el('td', { class: pool.accepting ? 'state-CLOSED' : 'state-OPEN', text: pool.accepting ? 'taking work' : 'draining' }),
				el('td', { text: poolLatency(pool) || '–' }));
		}) : [empty(4, 'No pool here.')]);
	}

	function poolLatency(pool) {
		const ran = (pool.completed || 0) + (pool.failed || 0);
		return ran > 0 ? 'p50 ' + millis(Math.round(pool.p50Millis)) + ' · p99 ' + millis(Math.round(pool.p99Millis))
			+ ' · ' + percent(pool.successRate) + ' ok' : '';
	}

	function renderQueues(snapshot) {
		const rows = snapshot.queues.map(function (queue) {
			const lanes = (queue.lanes || []).map(function (lane) {
				return 'p' + lane.priority + (lane.fairnessKey ? ' ' + lane.fairnessKey : '')
					+ (lane.requires ? ' [' + lane.requires + ']' : '') + ': ' + lane.depth;
			}).join(', ');
			const accepting = queue.acceptingWorkers === undefined ? queue.liveWorkers : queue.acceptingWorkers;
			const workers = el('td', { class: 'served' });
			if (queue.paused) {
				workers.appendChild(el('span', { class: 'stale-mark', text: 'paused' }));
				workers.appendChild(document.createTextNode(' (' + queue.liveWorkers + ' live, taking nothing)'));
			}
			else if (queue.liveWorkers >= 0 && accepting === 0) {
				workers.appendChild(el('span', { class: 'stale-mark', text: 'not served' }));
				workers.appendChild(document.createTextNode(queue.liveWorkers > 0
					? ' (' + queue.liveWorkers + ' draining)' : ' (no live worker)'));
			}
			else {
				workers.appendChild(document.createTextNode(String(queue.liveWorkers)
					+ (accepting < queue.liveWorkers ? ' (' + (queue.liveWorkers - accepting) + ' draining)' : '')));
			}
			const actions = el('td', {});
			if (state.writable && !snapshot.readOnly) {
				const action = queue.paused ? 'resume-queue' : 'pause-queue';
				actions.appendChild(el('button', { type: 'button', class: 'write' + (queue.paused ? '' : ' danger'),
					'data-action': action, text: queue.paused ? 'Resume' : 'Pause', onclick: function () {
						const run = function () {
							act(action, { queue: queue.name }).then(refresh);
						};
						if (queue.paused) {
							run();
						}
						else {
							confirmThen('Pause queue ' + queue.name + '? No worker anywhere takes its calls until it is resumed;'
								+ ' they wait.', run);
						}
					} }));
			}
			return el('tr', { 'data-queue': queue.name, class: (accepting === 0 || queue.paused) ? 'open' : '' },
				el('td', { text: queue.name }),
				el('td', { text: String(queue.depth) }), el('td', { text: millis(queue.oldestAgeMs) }),
				workers, el('td', { text: String(queue.inFlight) }),
				el('td', {}, queue.deadLetters > 0 ? el('a', { text: String(queue.deadLetters), href: address('deadletters', [queue.name]) })
					: '0'),
				el('td', { text: queue.throughputPerSecond + '/s' }),
				el('td', { text: queue.scheduled + (queue.nextDueInMs !== undefined ? ' (next in ' + millis(queue.nextDueInMs) + ')' : '') }),
				el('td', { text: lanes || '–' }), el('td', {}, spark(queue.history, 'depth', '#2f5fd0')), actions);
		});
		replaceRows('#queue-table', rows.length ? rows : [empty(11, 'No queue.')]);
		const select = $('#deadletter-filter select');
		const chosen = state.deadLetterQueue || select.value;
		while (select.firstChild) {
			select.removeChild(select.firstChild);
		}
		snapshot.queues.forEach(function (queue) {
			const option = el('option', { value: queue.name, text: queue.name + ' (' + queue.deadLetters + ')' });
			if (queue.name === chosen) {
				option.setAttribute('selected', 'selected');
			}
			select.appendChild(option);
		});
	}

	function workerName(worker) {
		const cell = el('td', { class: 'worker-name' });
		cell.appendChild(el('b', { text: worker.application || worker.host }));
		cell.appendChild(el('span', { class: 'url', text: (worker.url || worker.host) }));
		cell.appendChild(el('span', { class: 'url muted', text: worker.id }));
		return cell;
	}

	function renderWorkers(snapshot) {
		const writable = state.writable && !snapshot.readOnly;
		const chosen = state.view === 'workers' ? state.item[0] : null;
		const rows = snapshot.workers.map(function (worker) {
			const pools = worker.pools.map(function (pool) {
				const latency = poolLatency(pool);
				return pool.queue + ' ' + pool.inFlight + '/' + pool.concurrency + (latency ? ' · ' + latency : '');
			}).join(', ');
			const tags = Object.keys(worker.tags || {}).map(function (tag) {
				return tag + '=' + worker.tags[tag];
			}).join(', ');
			const actions = el('td', {});
			const reachable = worker.self || (snapshot.remoteControl && !worker.stale);
			const action = worker.draining ? 'resume' : 'drain';
			const name = (worker.application ? worker.application + ' (' + worker.id + ')' : worker.id);
			if (writable && reachable && state.requested[worker.id] !== action && worker.pools.length) {
				actions.appendChild(el('button', { type: 'button', class: 'write' + (action === 'drain' ? ' danger' : ''),
					'data-action': action, text: worker.draining ? 'Resume' : 'Drain', onclick: function () {
						const run = function () {
							act(action, worker.self ? {} : { worker: worker.id }).then(function () {
								if (!worker.self) {
									state.requested[worker.id] = action;
								}
								return refresh();
							});
						};
						if (action === 'drain') {
							confirmThen('Drain ' + name + '? Its pools stop taking work; calls still running past the grace period become dead letters.', run);
						}
						else {
							run();
						}
					} }));
			}
			else if (state.requested[worker.id] === action) {
				actions.appendChild(el('span', { class: 'muted', text: action + ' done: shown at its next heartbeat' }));
			}
			if (worker.self) {
				actions.appendChild(el('span', { class: 'muted', text: ' this application' }));
			}
			if (state.requested[worker.id] && state.requested[worker.id] !== action) {
				delete state.requested[worker.id];
			}
			const classes = (worker.stale ? 'stale' : '') + (chosen === worker.id ? ' chosen' : '');
			return el('tr', { class: classes, 'data-worker': worker.id }, workerName(worker),
				el('td', { text: worker.host }), el('td', { text: pools || '–' }), el('td', { text: tags || '–' }),
				el('td', { text: String(worker.inFlight) }),
				el('td', {}, millis(worker.lastHeartbeatAgeMs) + ' ago', worker.stale ? el('span', { class: 'stale-mark', text: ' stale' }) : null),
				el('td', { class: 'worker-state ' + (worker.draining ? 'state-OPEN' : 'state-CLOSED'),
					text: worker.draining ? 'draining' : 'taking work' }), actions);
		});
		replaceRows('#worker-table', rows.length ? rows : [empty(8, 'No worker has registered.')]);
	}

	// How long an execution waited and ran, in words: "ran 1.2 s", "running for 4 s", "waiting for 3 s".
	function took(record, now) {
		const created = epoch(record.createdAt);
		const started = epoch(record.startedAt);
		const finished = epoch(record.finishedAt);
		if (!isNaN(finished)) {
			return !isNaN(started) ? 'ran ' + millis(Math.max(0, finished - started)) : 'ended after ' + millis(Math.max(0, finished - created));
		}
		if (!isNaN(started)) {
			return 'running for ' + millis(Math.max(0, now - started));
		}
		return record.status === 'SCHEDULED' ? 'scheduled' : 'waiting for ' + millis(Math.max(0, now - created));
	}

	function timeline(record) {
		const now = Date.now();
		const created = epoch(record.createdAt);
		const started = epoch(record.startedAt);
		const finished = epoch(record.finishedAt);
		const end = !isNaN(finished) ? finished : now;
		const total = Math.max(1, end - created);
		const box = el('div', { class: 'timeline' });
		const bar = el('div', { class: 'timeline-bar' });
		const waited = (!isNaN(started) ? started : end) - created;
		bar.appendChild(el('span', { class: 'waited', style: 'width:' + Math.round(100 * Math.max(0, waited) / total) + '%',
			title: 'waited ' + millis(waited) }));
		if (!isNaN(started)) {
			bar.appendChild(el('span', { class: 'ran status-' + record.status,
				style: 'width:' + Math.round(100 * Math.max(0, end - started) / total) + '%', title: 'ran ' + millis(end - started) }));
		}
		box.appendChild(bar);
		const steps = el('ol', { class: 'steps' });
		steps.appendChild(el('li', { text: 'created ' + instant(record.createdAt) }));
		if (!isNaN(started)) {
			steps.appendChild(el('li', { text: 'started ' + instant(record.startedAt) + ' (waited ' + millis(started - created) + ')'
				+ (record.worker ? ' on ' + record.worker : '') }));
		}
		(record.attempts || []).forEach(function (attempt) {
			const error = attempt.error || {};
			steps.appendChild(el('li', { class: 'attempt' }, el('span', { class: 'status status-FAILED', text: 'attempt ' + attempt.attempt + ' failed' }),
				' ' + instant(attempt.finishedAt) + (attempt.worker ? ' on ' + attempt.worker : '') + ': '
				+ (error.type ? error.type + ': ' : '') + (error.message || '')
				+ (attempt.nextAttemptAt ? '; attempt ' + (attempt.attempt + 1) + ' due ' + instant(attempt.nextAttemptAt) : '')));
		});
		if (!isNaN(finished)) {
			steps.appendChild(el('li', {}, el('span', { class: 'status status-' + record.status, text: record.status }),
				' ' + instant(record.finishedAt) + (!isNaN(started) ? ' (ran ' + millis(finished - started) + ')' : '')));
		}
		else {
			steps.appendChild(el('li', {}, el('span', { class: 'status status-' + record.status, text: record.status }),
				' ' + took(record, now)));
		}
		box.appendChild(steps);
		return box;
	}

	function filters() {
		const form = $('#execution-filter');
		const query = {};
		['status', 'service', 'key', 'since'].forEach(function (name) {
			if (form.elements[name].value) {
				query[name] = form.elements[name].value;
			}
		});
		return query;
	}

	function loadExecutions() {
		const query = state.query;
		const parameters = [];
		['status', 'service', 'key'].forEach(function (name) {
			if (query[name]) {
				parameters.push(name + '=' + encodeURIComponent(query[name]));
			}
		});
		if (query.since) {
			parameters.push('since=' + encodeURIComponent(new Date(query.since).toISOString()));
		}
		const chosen = state.item[0];
		if (chosen) {
			detail(chosen);
		}
		else {
			show($('#execution-detail'), false);
		}
		return request('GET', base + 'executions' + (parameters.length ? '?' + parameters.join('&') : '')).then(function (page) {
			problem(null);
			const writable = state.writable && !(state.snapshot && state.snapshot.readOnly);
			show($('#cancel-all'), writable);
			const now = Date.now();
			const rows = page.executions.map(function (record) {
				const fraction = record.progress && record.progress.fraction !== undefined ? record.progress.fraction : null;
				const progress = el('td', { class: 'progress' });
				if (fraction !== null) {
					const bar = el('span', { class: 'bar', title: Math.round(fraction * 100) + ' %' + (record.progress.message ? ' ' + record.progress.message : '') });
					bar.appendChild(el('span', { style: 'width:' + Math.round(Math.max(0, Math.min(1, fraction)) * 100) + '%' }));
					progress.appendChild(bar);
					progress.appendChild(el('span', { class: 'muted', text: ' ' + Math.round(fraction * 100) + ' %' }));
				}
				const actions = el('td', {});
				if (writable && ['PENDING', 'RUNNING', 'SCHEDULED'].indexOf(record.status) >= 0) {
					actions.appendChild(el('button', { type: 'button', class: 'write danger', 'data-action': 'cancel', text: 'Cancel',
						onclick: function () {
							confirmThen('Cancel execution ' + record.id + ' (' + record.service + '.' + record.method + ')?', function () {
								act('cancel', { id: record.id }).then(function (done) {
									if (done && done.cancelled === false) {
										notice('Execution ' + record.id + ' had already ended'
											+ (done.status ? ' (' + done.status + ')' : '') + ': nothing was cancelled.');
									}
									else {
										notice(null);
									}
									return loadExecutions();
								});
							});
						} }));
				}
				return el('tr', { 'data-execution': record.id, class: chosen === record.id ? 'chosen' : '' },
					el('td', {}, el('a', { text: record.id, href: address('executions', [record.id], state.query) })),
					el('td', { text: record.service + '.' + record.method }),
					el('td', {}, el('span', { class: 'status status-' + record.status, text: record.status }),
						record.attempts && record.attempts.length ? el('span', { class: 'muted attempts',
							text: ' ' + record.attempts.length + (record.attempts.length === 1 ? ' retry' : ' retries') }) : ''),
					progress, el('td', { class: 'created', text: instant(record.createdAt) }),
					el('td', { class: 'took', text: took(record, now) }), el('td', { text: record.key || '' }), actions);
			});
			replaceRows('#execution-table', rows.length ? rows : [empty(8, 'No execution matches.')]);
		}, function (error) {
			problem(failure(error));
		});
	}

	function detail(id) {
		request('GET', base + 'execution?id=' + encodeURIComponent(id)).then(function (record) {
			if (state.view !== 'executions' || state.item[0] !== id) {
				return;
			}
			const box = $('#execution-detail');
			box.querySelector('h3').textContent = 'Execution ' + id + ' — ' + record.service + '.' + record.method;
			const line = box.querySelector('.timeline-box');
			while (line.firstChild) {
				line.removeChild(line.firstChild);
			}
			line.appendChild(timeline(record));
			box.querySelector('pre').textContent = pretty(record);
			show(box, true);
		}, function (error) {
			problem(error.status === 404 ? 'Execution ' + id + ' is not known here (expired or never made).' : failure(error));
		});
	}

	function loadRecurring() {
		return request('GET', base + 'recurring').then(function (page) {
			problem(null);
			const writable = state.writable && !(state.snapshot && state.snapshot.readOnly);
			const rows = page.recurring.map(function (call) {
				const ticks = el('td', { class: 'ticks' });
				(call.ticks || []).slice(0, 5).forEach(function (tick) {
					const status = tick.status || 'SKIPPED';
					const chip = el('span', { class: 'status status-' + status, text: status,
						title: 'due ' + instant(tick.dueAt) + (tick.error ? ': ' + tick.error : '') });
					ticks.appendChild(tick.execution ? el('a', { href: address('executions', [tick.execution]) }, chip) : chip);
					ticks.appendChild(document.createTextNode(' '));
				});
				const actions = el('td', {});
				if (writable) {
					const pausing = !call.paused;
					actions.appendChild(el('button', { type: 'button', class: 'write' + (pausing ? ' danger' : ''),
						'data-action': pausing ? 'pause-recurring' : 'resume-recurring', text: pausing ? 'Pause' : 'Resume',
						onclick: function () {
							const run = function () {
								act(pausing ? 'pause-recurring' : 'resume-recurring', { id: call.name }).then(loadRecurring);
							};
							if (pausing) {
								confirmThen('Pause recurring call ' + call.name + '? No instance runs its ticks until it is resumed.', run);
							}
							else {
								run();
							}
						} }));
					actions.appendChild(el('button', { type: 'button', class: 'write', 'data-action': 'trigger-recurring', text: 'Run now',
						onclick: function () {
							confirmThen('Run ' + call.name + ' (' + call.service + '.' + call.method + ') now, beside its ticks?', function () {
								act('trigger-recurring', { id: call.name }).then(function (done) {
									notice('Started execution ' + done.triggered + '.');
									return loadRecurring();
								});
							});
						} }));
				}
				return el('tr', { 'data-recurring': call.name, class: call.paused ? 'open' : '' },
					el('td', { text: call.name }), el('td', { text: call.service + '.' + call.method }),
					el('td', { text: call.recurrence }), el('td', { class: 'next', text: call.paused ? '–' : instant(call.nextDueAt) }),
					ticks, el('td', {}, call.paused ? el('span', { class: 'stale-mark', text: 'paused' }) : 'ticking'), actions);
			});
			replaceRows('#recurring-table', rows.length ? rows : [empty(7, 'No recurring call here.')]);
		}, function (error) {
			problem(failure(error));
		});
	}

	function loadDeadLetters() {
		const queue = state.deadLetterQueue || $('#deadletter-filter select').value;
		state.deadLetterQueue = queue;
		const writable = state.writable && !(state.snapshot && state.snapshot.readOnly);
		if (!queue) {
			show($('#purge'), false);
			show($('#requeue-all'), false);
			replaceRows('#deadletter-table', [empty(6, 'No queue.')]);
			return Promise.resolve();
		}
		const chosen = state.item[1];
		return request('GET', base + 'deadletters?queue=' + encodeURIComponent(queue)).then(function (page) {
			problem(null);
			show($('#purge'), writable && page.count > 0);
			show($('#requeue-all'), writable && page.count > 0);
			const box = $('#deadletter-detail');
			let shown = false;
			const rows = page.deadLetters.map(function (letter) {
				const actions = el('td', {});
				actions.appendChild(el('a', { class: 'write', 'data-action': 'inspect', text: 'Inspect',
					href: address('deadletters', [queue, letter.id]) }));
				if (writable) {
					actions.appendChild(el('button', { type: 'button', class: 'write', 'data-action': 'requeue', text: 'Requeue',
						onclick: function () {
							confirmThen('Requeue dead letter ' + letter.id + ' (' + letter.service + '.' + letter.method + ') on ' + queue
								+ '? It runs again.', function () {
								act('requeue', { queue: queue, id: letter.id }).then(loadDeadLetters);
							});
						} }));
					actions.appendChild(el('button', { type: 'button', class: 'write danger', 'data-action': 'delete', text: 'Delete',
						onclick: function () {
							confirmThen('Delete dead letter ' + letter.id + ' of ' + queue + '? Its request is lost.', function () {
								act('delete', { queue: queue, id: letter.id }).then(loadDeadLetters);
							});
						} }));
				}
				if (chosen === letter.id) {
					shown = true;
					box.querySelector('h3').textContent = 'Dead letter ' + letter.id + ' — ' + letter.cause;
					box.querySelector('pre').textContent = pretty(letter);
				}
				return el('tr', { 'data-deadletter': letter.id, class: chosen === letter.id ? 'chosen' : '' }, el('td', { text: letter.id }),
					el('td', { text: (letter.service || '?') + '.' + (letter.method || '?') + ' [' + letter.invocationId + ']' }),
					el('td', { text: letter.cause || '' }), el('td', { text: String(letter.attempts) }),
					el('td', { class: 'at', text: instant(letter.at) }), actions);
			});
			show(box, shown);
			replaceRows('#deadletter-table', rows.length ? rows : [empty(6, 'No dead letter on ' + queue + '.')]);
		}, function (error) {
			problem(failure(error));
		});
	}

	function render() {
		const snapshot = state.snapshot;
		if (!snapshot) {
			return;
		}
		renderOverview(snapshot);
		renderQueues(snapshot);
		renderWorkers(snapshot);
		$('#updated').textContent = 'updated ' + new Date(snapshot.at).toLocaleTimeString();
		$('#access').textContent = snapshot.readOnly ? 'read-only console' : (state.writable ? 'actions allowed' : 'read-only for you');
	}

	function refresh() {
		return request('GET', base + 'snapshot').then(function (snapshot) {
			state.snapshot = snapshot;
			state.interval = snapshot.intervalMs || 2000;
			problem(null);
			render();
		}, function (error) {
			problem(failure(error));
		});
	}

	// Every view stays live: the snapshot, and the list shown (executions, dead letters), once per interval.
	function tick() {
		return refresh().then(function () {
			if (state.view === 'executions') {
				return loadExecutions();
			}
			if (state.view === 'deadletters') {
				return loadDeadLetters();
			}
			if (state.view === 'recurring') {
				return loadRecurring();
			}
			return null;
		});
	}

	function schedule() {
		state.timer = setTimeout(function () {
			tick().then(schedule, schedule);
		}, state.interval);
	}

	function route() {
		const where = parse();
		state.view = where.view;
		state.item = where.item;
		state.query = where.view === 'executions' ? where.query : state.query;
		Array.prototype.forEach.call(document.querySelectorAll('nav a'), function (link) {
			link.className = link.getAttribute('data-view') === where.view ? 'current' : '';
		});
		Array.prototype.forEach.call(document.querySelectorAll('section.view'), function (section) {
			show(section, section.id === where.view);
		});
		notice(null);
		if (where.view === 'executions') {
			const form = $('#execution-filter');
			['status', 'service', 'key', 'since'].forEach(function (name) {
				form.elements[name].value = state.query[name] || '';
			});
			loadExecutions();
		}
		if (where.view === 'deadletters') {
			if (where.item[0]) {
				state.deadLetterQueue = where.item[0];
				$('#deadletter-filter select').value = where.item[0];
			}
			loadDeadLetters();
		}
		if (where.view === 'recurring') {
			loadRecurring();
		}
		if (where.view === 'workers' && state.snapshot) {
			renderWorkers(state.snapshot);
		}
	}

	window.addEventListener('hashchange', route);
	$('#execution-filter').addEventListener('submit', function (event) {
		event.preventDefault();
		go('executions', [], filters());
	});
	$('#deadletter-filter select').addEventListener('change', function () {
		state.deadLetterQueue = $('#deadletter-filter select').value;
		go('deadletters', [state.deadLetterQueue]);
	});
	$('#deadletter-filter').addEventListener('submit', function (event) {
		event.preventDefault();
		state.deadLetterQueue = $('#deadletter-filter select').value;
		go('deadletters', [state.deadLetterQueue]);
	});
	$('#cancel-all').addEventListener('click', function () {
		const query = state.query;
		const said = Object.keys(query).filter(function (name) {
			return query[name];
		}).map(function (name) {
			return name + ' ' + query[name];
		}).join(', ');
		confirmThen('Cancel every unfinished execution' + (said ? ' matching ' + said : '') + '?', function () {
			const fields = {};
			['status', 'service', 'key'].forEach(function (name) {
				if (query[name]) {
					fields[name] = query[name];
				}
			});
			if (query.since) {
				fields.since = new Date(query.since).toISOString();
			}
			act('cancel-all', fields).then(function (done) {
				notice((done && done.cancelled !== undefined ? done.cancelled : 0) + ' executions cancelled.');
				return loadExecutions();
			});
		});
	});
	$('#requeue-all').addEventListener('click', function () {
		const queue = state.deadLetterQueue;
		if (queue) {
			confirmThen('Requeue every dead letter of ' + queue + '? Each runs again.', function () {
				act('requeue-all', { queue: queue }).then(function (done) {
					notice((done && done.requeued !== undefined ? done.requeued : 0) + ' dead letters requeued.');
					return loadDeadLetters();
				});
			});
		}
	});
	$('#purge').addEventListener('click', function () {
		const queue = state.deadLetterQueue;
		if (queue) {
			confirmThen('Delete every dead letter of ' + queue + '? Their requests are lost.', function () {
				act('purge', { queue: queue }).then(loadDeadLetters);
			});
		}
	});
	Array.prototype.forEach.call(document.querySelectorAll('#confirm button'), function (button) {
		button.addEventListener('click', function () {
			answer(button.getAttribute('data-confirm') === 'yes');
		});
	});

	// May this user write? Asked once: the management security answers for the console endpoint.
	request('POST', base.replace(/\/$/, ''), { action: 'probe' }).then(function () {
		state.writable = true;
	}, function () {
		state.writable = false;
	}).then(refresh).then(function () {
		route();
		document.body.setAttribute('data-ready', 'true');
		schedule();
	});
}());
