/*
 * The Execution console. Plain JavaScript, no library: every value from the server is put in
 * the page as text (never as HTML), so nothing a worker, a tag or an error message holds runs
 * here. Reads poll one shared snapshot; writes are JSON POSTs to the console endpoint, which a
 * form on another site cannot send.
 */
(function () {
	'use strict';

	const state = { view: 'overview', writable: false, snapshot: null, timer: null, interval: 2000,
		deadLetterQueue: null, requested: {} };

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
		return request('POST', 'console', body).then(function (answer) {
			problem(null);
			return answer;
		}, function (error) {
			problem(failure(error));
			throw error;
		});
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

	// Views

	function renderOverview(snapshot) {
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
		replaceRows('#endpoints', rows.length ? rows : [empty(7, 'No endpoint yet.')]);
	}

	function renderQueues(snapshot) {
		const rows = snapshot.queues.map(function (queue) {
			const lanes = (queue.lanes || []).map(function (lane) {
				return 'p' + lane.priority + (lane.fairnessKey ? ' ' + lane.fairnessKey : '')
					+ (lane.requires ? ' [' + lane.requires + ']' : '') + ': ' + lane.depth;
			}).join(', ');
			return el('tr', { 'data-queue': queue.name }, el('td', { text: queue.name }),
				el('td', { text: String(queue.depth) }), el('td', { text: millis(queue.oldestAgeMs) }),
				el('td', { text: String(queue.liveWorkers) }), el('td', { text: String(queue.inFlight) }),
				el('td', { text: String(queue.deadLetters) }), el('td', { text: queue.throughputPerSecond + '/s' }),
				el('td', { text: queue.scheduled + (queue.nextDueInMs !== undefined ? ' (next in ' + millis(queue.nextDueInMs) + ')' : '') }),
				el('td', { text: lanes || '–' }), el('td', {}, spark(queue.history, 'depth', '#2f5fd0')));
		});
		replaceRows('#queue-table', rows.length ? rows : [empty(10, 'No queue.')]);
		const select = $('#deadletter-filter select');
		const chosen = select.value || state.deadLetterQueue;
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

	function renderWorkers(snapshot) {
		const writable = state.writable && !snapshot.readOnly;
		const rows = snapshot.workers.map(function (worker) {
			const pools = worker.pools.map(function (pool) {
				const ran = (pool.completed || 0) + (pool.failed || 0);
				return pool.queue + ' ' + pool.inFlight + '/' + pool.concurrency
					+ (ran > 0 ? ' · p50 ' + millis(Math.round(pool.p50Millis)) + ' · p99 ' + millis(Math.round(pool.p99Millis))
						+ ' · ' + percent(pool.successRate) + ' ok' : '');
			}).join(', ');
			const tags = Object.keys(worker.tags || {}).map(function (tag) {
				return tag + '=' + worker.tags[tag];
			}).join(', ');
			const actions = el('td', {});
			const reachable = worker.self || (snapshot.remoteControl && !worker.stale);
			const action = worker.draining ? 'resume' : 'drain';
			if (writable && reachable && state.requested[worker.id] !== action) {
				actions.appendChild(el('button', { type: 'button', class: 'write', 'data-action': action,
					text: worker.draining ? 'Resume' : 'Drain', onclick: function () {
						act(action, worker.self ? {} : { worker: worker.id }).then(function () {
							if (!worker.self) {
								state.requested[worker.id] = action;
							}
							return refresh();
						});
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
			return el('tr', { class: worker.stale ? 'stale' : '', 'data-worker': worker.id }, el('td', { text: worker.id }),
				el('td', { text: worker.host }), el('td', { text: pools || '–' }), el('td', { text: tags || '–' }),
				el('td', { text: String(worker.inFlight) }),
				el('td', {}, millis(worker.lastHeartbeatAgeMs) + ' ago', worker.stale ? el('span', { class: 'stale-mark', text: ' stale' }) : null),
				el('td', { class: 'worker-state', text: worker.draining ? 'draining' : 'taking work' }), actions);
		});
		replaceRows('#worker-table', rows.length ? rows : [empty(8, 'No worker has registered.')]);
	}

	function loadExecutions() {
		const form = $('#execution-filter');
		const parameters = [];
		['status', 'service', 'key'].forEach(function (name) {
			const value = form.elements[name].value;
			if (value) {
				parameters.push(name + '=' + encodeURIComponent(value));
			}
		});
		const since = form.elements.since.value;
		if (since) {
			parameters.push('since=' + encodeURIComponent(new Date(since).toISOString()));
		}
		return request('GET', 'console/executions' + (parameters.length ? '?' + parameters.join('&') : '')).then(function (page) {
			problem(null);
			const writable = state.writable && !(state.snapshot && state.snapshot.readOnly);
			const rows = page.executions.map(function (record) {
				const fraction = record.progress && record.progress.fraction !== undefined ? record.progress.fraction : null;
				const progress = el('td', {});
				if (fraction !== null) {
					const bar = el('span', { class: 'bar', title: Math.round(fraction * 100) + ' %' + (record.progress.message ? ' ' + record.progress.message : '') });
					bar.appendChild(el('span', { style: 'width:' + Math.round(Math.max(0, Math.min(1, fraction)) * 100) + '%' }));
					progress.appendChild(bar);
				}
				const actions = el('td', {});
				if (writable && ['PENDING', 'RUNNING', 'SCHEDULED'].indexOf(record.status) >= 0) {
					actions.appendChild(el('button', { type: 'button', class: 'write danger', 'data-action': 'cancel', text: 'Cancel',
						onclick: function () {
							act('cancel', { id: record.id }).then(loadExecutions);
						} }));
				}
				return el('tr', { 'data-execution': record.id },
					el('td', {}, el('a', { text: record.id, onclick: function () {
						detail(record.id);
					} })),
					el('td', { text: record.service + '.' + record.method }), el('td', { class: 'status', text: record.status }),
					progress, el('td', { text: record.createdAt || '' }), el('td', { text: record.key || '' }), actions);
			});
			replaceRows('#execution-table', rows.length ? rows : [empty(7, 'No execution matches.')]);
		}, function (error) {
			problem(failure(error));
		});
	}

	function detail(id) {
		request('GET', 'console/execution?id=' + encodeURIComponent(id)).then(function (record) {
			const box = $('#execution-detail');
			box.querySelector('h3').textContent = 'Execution ' + id;
			box.querySelector('pre').textContent = JSON.stringify(record, null, 2);
			show(box, true);
		}, function (error) {
			problem(failure(error));
		});
	}

	function loadDeadLetters() {
		const queue = $('#deadletter-filter select').value;
		state.deadLetterQueue = queue;
		const writable = state.writable && !(state.snapshot && state.snapshot.readOnly);
		show($('#purge'), writable && !!queue);
		if (!queue) {
			replaceRows('#deadletter-table', [empty(6, 'No queue.')]);
			return Promise.resolve();
		}
		return request('GET', 'console/deadletters?queue=' + encodeURIComponent(queue)).then(function (page) {
			problem(null);
			const rows = page.deadLetters.map(function (letter) {
				const actions = el('td', {});
				actions.appendChild(el('button', { type: 'button', class: 'write', 'data-action': 'inspect', text: 'Inspect',
					onclick: function () {
						const box = $('#deadletter-detail');
						box.querySelector('h3').textContent = 'Dead letter ' + letter.id + ' — ' + letter.cause;
						box.querySelector('pre').textContent = JSON.stringify(letter, null, 2);
						show(box, true);
					} }));
				if (writable) {
					actions.appendChild(el('button', { type: 'button', class: 'write', 'data-action': 'requeue', text: 'Requeue',
						onclick: function () {
							act('requeue', { queue: queue, id: letter.id }).then(loadDeadLetters);
						} }));
					actions.appendChild(el('button', { type: 'button', class: 'write danger', 'data-action': 'delete', text: 'Delete',
						onclick: function () {
							act('delete', { queue: queue, id: letter.id }).then(loadDeadLetters);
						} }));
				}
				return el('tr', { 'data-deadletter': letter.id }, el('td', { text: letter.id }),
					el('td', { text: (letter.service || '?') + '.' + (letter.method || '?') + ' [' + letter.invocationId + ']' }),
					el('td', { text: letter.cause || '' }), el('td', { text: String(letter.attempts) }),
					el('td', { text: letter.at || '' }), actions);
			});
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
		return request('GET', 'console/snapshot').then(function (snapshot) {
			state.snapshot = snapshot;
			state.interval = snapshot.intervalMs || 2000;
			problem(null);
			render();
		}, function (error) {
			problem(failure(error));
		});
	}

	function schedule() {
		state.timer = setTimeout(function () {
			refresh().then(schedule, schedule);
		}, state.interval);
	}

	function select(view) {
		state.view = view;
		Array.prototype.forEach.call(document.querySelectorAll('nav button'), function (button) {
			button.className = button.getAttribute('data-view') === view ? 'current' : '';
		});
		Array.prototype.forEach.call(document.querySelectorAll('section.view'), function (section) {
			show(section, section.id === view);
		});
		if (view === 'executions') {
			loadExecutions();
		}
		if (view === 'deadletters') {
			loadDeadLetters();
		}
	}

	Array.prototype.forEach.call(document.querySelectorAll('nav button'), function (button) {
		button.addEventListener('click', function () {
			select(button.getAttribute('data-view'));
		});
	});
	$('#execution-filter').addEventListener('submit', function (event) {
		event.preventDefault();
		loadExecutions();
	});
	$('#deadletter-filter').addEventListener('submit', function (event) {
		event.preventDefault();
		loadDeadLetters();
	});
	$('#purge').addEventListener('click', function () {
		const queue = $('#deadletter-filter select').value;
		if (queue && window.confirm('Delete every dead letter of ' + queue + '?')) {
			act('purge', { queue: queue }).then(loadDeadLetters);
		}
	});

	// May this user write? Asked once: the management security answers for the console endpoint.
	request('POST', 'console', { action: 'probe' }).then(function () {
		state.writable = true;
	}, function () {
		state.writable = false;
	}).then(refresh).then(function () {
		document.body.setAttribute('data-ready', 'true');
		schedule();
	});
}());
