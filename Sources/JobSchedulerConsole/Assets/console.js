"use strict";
// The console's script: holds the scheduler's jobs and batches as `GET /api/v1/events` pushes them
// (a snapshot, then each change; resumed with Last-Event-ID after a broken connection) and renders the
// view the location's hash names. Nothing is polled: the page changes when the scheduler says so.
(() => {
  const api = document.body.dataset.api;
  const PAGE_SIZE = 25;
  const STATES = ["Waiting", "Running", "Stopping", "Succeeded", "Failed", "Stopped"];
  const $ = (selector, root = document) => root.querySelector(selector);

  const held = { jobs: new Map(), batches: new Map(), engineConnected: null, lastEventId: null, schedules: null, summary: null };
  const pages = { jobs: 0, batches: 0, batchJobs: 0 };
  let route = { view: "jobs", name: null };
  let token = sessionStorage.getItem("job-scheduler-token");

  // MARK: - Talking to the API

  function authorization(headers = {}) {
    if (token) headers.Authorization = "Bearer " + token;
    return headers;
  }

  /** An API call; its JSON answer, or an Error with the Status body's message. */
  async function call(method, path, body) {
    const headers = authorization({ Accept: "application/json" });
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (response.status === 401) askForToken();
    if (!response.ok) throw new Error((data && data.message) || `${method} ${path} answered ${response.status}`);
    return data;
  }

  /** Reads a streamed answer's text as it comes, line by line (the last line may lack its newline). */
  async function readLines(response, onLine) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n")) >= 0) {
        onLine(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
      }
    }
    if (buffer) onLine(buffer);
  }

  // MARK: - Following the scheduler

  let following = null;

  /** Follows the event stream until replaced, reconnecting after 2 s and resuming where it was. */
  async function follow() {
    if (following) following.abort();
    const controller = new AbortController();
    following = controller;
    while (!controller.signal.aborted) {
      try {
        const headers = authorization({ Accept: "text/event-stream" });
        if (held.lastEventId) headers["Last-Event-ID"] = held.lastEventId;
        const response = await fetch(api + "/events", { headers, signal: controller.signal, cache: "no-store" });
        if (response.status === 401) {
          setStream("bad", "Token needed");
          askForToken();
          return;
        }
        if (!response.ok) throw new Error(`events answered ${response.status}`);
        setStream("ok", "Live");
        let block = [];
        await readLines(response, (line) => {
          if (line !== "") { block.push(line); return; }
          dispatch(block);
          block = [];
        });
      } catch (error) {
        if (controller.signal.aborted) return;
      }
      setStream("wait", "Reconnecting…");
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  /** One server-sent event: its id, name and data lines. */
  function dispatch(lines) {
    let event = "message";
    const data = [];
    for (const line of lines) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "id") held.lastEventId = value;
      else if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length) apply(event, JSON.parse(data.join("\n")));
  }

  function apply(event, data) {
    switch (event) {
      case "snapshot":
        held.jobs = new Map(data.jobs.map((job) => [job.name, job]));
        held.batches = new Map(data.batches.map((batch) => [batch.name, batch]));
        setEngine(data.engineConnected);
        refreshSchedules();
        break;
      case "job":
        if (data.event === "Delete") held.jobs.delete(data.name);
        else held.jobs.set(data.name, data);
        if (data.schedule) refreshSchedules();
        break;
      case "batch": {
        const known = held.batches.get(data.name);
        if (data.event === "Delete") {
          held.batches.delete(data.name);
        } else if (data.event === "Update" && known) {
          // An update holds the changed jobs only.
          const jobs = new Map((known.jobStatuses || []).map((job) => [job.name, job]));
          for (const job of data.jobStatuses || []) jobs.set(job.name, job);
          held.batches.set(data.name, { ...data, jobStatuses: [...jobs.values()] });
        } else {
          held.batches.set(data.name, data);
        }
        break;
      }
      case "health":
        setEngine(data.engineConnected);
        break;
      case "schedules":
        held.schedules = data;
        refreshSchedules();
        break;
    }
    renderSoon();
  }

  let scheduleRefresh = null;

  /** The schedules and their run summary, read again (they change with their runs and the clock). */
  function refreshSchedules() {
    if (scheduleRefresh) return;
    scheduleRefresh = setTimeout(async () => {
      scheduleRefresh = null;
      try {
        [held.schedules, held.summary] = await Promise.all([call("GET", "/schedules"), call("GET", "/schedules/summary")]);
        renderSoon();
      } catch (error) {
        showAlert(error.message);
      }
    }, 200);
  }

  function setStream(kind, text) {
    const pill = $("#stream-state");
    pill.className = "pill pill-" + kind;
    pill.textContent = text;
  }

  function setEngine(connected) {
    held.engineConnected = connected;
    const pill = $("#engine-state");
    pill.className = "pill " + (connected ? "pill-ok" : "pill-bad");
    pill.textContent = connected ? "Engine: reachable" : "Engine: unreachable";
  }

  // MARK: - Rendering

  let renderTimer = null;

  function renderSoon() {
    if (renderTimer === null) renderTimer = setTimeout(() => { renderTimer = null; render(); }, 30);
  }

  function time(text) {
    if (!text) return "—";
    const date = new Date(text);
    return isNaN(date) ? text : date.toLocaleString();
  }

  /**
   * Puts `children` in `container`, unless they are what it shows already (a live update that changed
   * nothing there leaves it alone). The control that had the focus keeps it, found again by its
   * `data-key`: a keyboard user is not thrown out of a list that changes under them.
   */
  function show(container, children) {
    const signature = children.map((child) => child.outerHTML).join("");
    if (container.dataset.signature === signature) return;
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.dataset.key : undefined;
    container.replaceChildren(...children);
    container.dataset.signature = signature;
    if (key) {
      const again = [...container.querySelectorAll("[data-key]")].find((element) => element.dataset.key === key);
      if (again) again.focus();
    }
  }

  function cell(row, content, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    if (content instanceof Node) td.append(content);
    else td.textContent = content === undefined || content === null || content === "" ? "—" : String(content);
    row.append(td);
    return td;
  }

  function link(href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.dataset.key = href;
    a.textContent = text;
    return a;
  }

  function badge(status, element = document.createElement("span")) {
    element.className = "badge";
    element.dataset.status = status;
    element.textContent = status;
    return element;
  }

  const lastPod = (job) => (job.podStatuses && job.podStatuses.length ? job.podStatuses[job.podStatuses.length - 1] : null);
  /** A job's (or a batch's) status after which it changes no more (but by a restart). */
  const ended = (status) => ["Succeeded", "Failed", "Stopped", "Completed"].includes(status);
  const jobHref = (name) => "#/jobs/" + encodeURIComponent(name);
  const batchHref = (name) => "#/batches/" + encodeURIComponent(name);

  /** A page of `items` in `tbody`, with its pager; `page` is kept per list. */
  function renderPaged(section, items, pageKey, makeRow) {
    const pageCount = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
    pages[pageKey] = Math.min(pages[pageKey], pageCount - 1);
    const start = pages[pageKey] * PAGE_SIZE;
    show($("tbody", section), items.slice(start, start + PAGE_SIZE).map(makeRow));
    const pager = $(".pager", section);
    if (pageCount === 1) { pager.replaceChildren(); delete pager.dataset.signature; return; }
    const previous = document.createElement("button");
    previous.type = "button";
    previous.textContent = "← Newer";
    previous.dataset.key = "newer";
    previous.disabled = pages[pageKey] === 0;
    previous.onclick = () => { pages[pageKey] -= 1; render(); };
    const next = document.createElement("button");
    next.type = "button";
    next.textContent = "Older →";
    next.dataset.key = "older";
    next.disabled = pages[pageKey] >= pageCount - 1;
    next.onclick = () => { pages[pageKey] += 1; render(); };
    const where = document.createElement("span");
    where.textContent = `Page ${pages[pageKey] + 1} of ${pageCount}`;
    show(pager, [previous, where, next]);
  }

  function jobRow(job, inBatch) {
    const row = document.createElement("tr");
    row.dataset.name = job.name;
    cell(row, link(jobHref(job.name), job.name), "name");
    cell(row, job.jobId);
    cell(row, badge(job.status));
    if (!inBatch) cell(row, time(job.created));
    cell(row, time(job.started));
    cell(row, time(job.ended));
    cell(row, (job.podStatuses || []).length);
    const pod = lastPod(job);
    cell(row, pod && pod.exitCode !== undefined && pod.exitCode !== null && (pod.endTime || ended(job.status)) ? pod.exitCode : "");
    return row;
  }

  function renderJobs() {
    const section = $("#view-jobs");
    const filter = $("#jobs-filter").value;
    const jobs = [...held.jobs.values()].filter((job) => !filter || job.status === filter).sort(newestFirst);
    $("#jobs-count").textContent = `${jobs.length} of ${held.jobs.size} jobs`;
    $(".empty", section).hidden = held.jobs.size > 0;
    renderPaged(section, jobs, "jobs", (job) => jobRow(job, false));
  }

  function newestFirst(a, b) {
    return (b.created || "").localeCompare(a.created || "") || b.name.localeCompare(a.name);
  }

  function batchCounts(batch) {
    const counts = {};
    for (const job of batch.jobStatuses || []) counts[job.status] = (counts[job.status] || 0) + 1;
    return STATES.filter((state) => counts[state]).map((state) => `${counts[state]} ${state.toLowerCase()}`).join(", ");
  }

  function renderBatches() {
    const section = $("#view-batches");
    const filter = $("#batches-filter").value;
    const batches = [...held.batches.values()].filter((batch) => !filter || batch.status === filter).sort(newestFirst);
    $("#batches-count").textContent = `${batches.length} of ${held.batches.size} batches`;
    $(".empty", section).hidden = held.batches.size > 0;
    renderPaged(section, batches, "batches", (batch) => {
      const row = document.createElement("tr");
      row.dataset.name = batch.name;
      cell(row, link(batchHref(batch.name), batch.name), "name");
      cell(row, batch.batchId);
      cell(row, badge(batch.status));
      cell(row, time(batch.created));
      cell(row, time(batch.started));
      cell(row, time(batch.ended));
      cell(row, `${(batch.jobStatuses || []).length}: ${batchCounts(batch)}`);
      return row;
    });
  }

  /** A single job, or a batch's job with its batch. */
  function findJob(name) {
    if (held.jobs.has(name)) return { job: held.jobs.get(name), batch: null };
    for (const batch of held.batches.values()) {
      const job = (batch.jobStatuses || []).find((candidate) => candidate.name === name);
      if (job) return { job, batch };
    }
    return null;
  }

  function facts(list, entries) {
    list.replaceChildren(...entries.filter(([, value]) => value !== undefined && value !== null && value !== "").flatMap(([term, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      if (value instanceof Node) dd.append(value);
      else dd.textContent = String(value);
      return [dt, dd];
    }));
  }

  function renderJob() {
    const section = $("#view-job");
    const found = findJob(route.name);
    $(".name", section).textContent = route.name;
    if (!found) {
      badge("Gone", $("#job-status"));
      facts($("#job-facts"), [["", "This job is not (or no longer) in the scheduler's history."]]);
      $("tbody", $("#job-attempts")).replaceChildren();
      setActions(section, []);
      return;
    }
    const { job, batch } = found;
    badge(job.status, $("#job-status"));
    facts($("#job-facts"), [
      ["Job ID", job.jobId],
      ["Batch", batch ? link(batchHref(batch.name), batch.name) : null],
      ["Schedule", job.schedule],
      ["Scheduled for", job.scheduledAt && time(job.scheduledAt)],
      ["Created", time(job.created)],
      ["Started", time(job.started)],
      ["Ended", job.ended && time(job.ended)],
      ["Message", job.message],
      ["Failed attempts", job.failed],
      ["Restarted", job.restart && time(job.restart)],
    ]);
    show($("tbody", $("#job-attempts")), (job.podStatuses || []).map((pod, index) => {
      const row = document.createElement("tr");
      cell(row, index + 1);
      cell(row, pod.replicaStatus && pod.replicaStatus.status);
      cell(row, time(pod.startTime));
      cell(row, pod.endTime && time(pod.endTime));
      cell(row, pod.endTime ? pod.exitCode : "");
      cell(row, pod.reason || pod.statusMessage);
      cell(row, pod.restartCount);
      cell(row, pod.image);
      return row;
    }));
    setActions(section, batch ? ["stop"] : ["stop", "restart", "delete"], job.status);
    if (logFor !== job.name) openLog(job);
    if (settingsFor !== job.name) loadSettings(job.name);
  }

  /** Shows the actions that apply; stop only while the job has not ended. */
  function setActions(section, actions, status) {
    for (const button of section.querySelectorAll(".actions button")) {
      const action = button.dataset.action;
      button.hidden = !actions.includes(action);
      button.disabled = action === "stop" && (ended(status) || status === "Stopping");
    }
  }

  let settingsFor = null;

  async function loadSettings(name) {
    settingsFor = name;
    const list = $("#job-settings");
    try {
      const settings = await call("GET", `/jobs/${encodeURIComponent(name)}/settings`);
      if (settingsFor !== name) return;
      const resources = (kind) => settings.resources && settings.resources[kind]
        ? Object.entries(settings.resources[kind]).map(([key, value]) => `${key} ${value}`).join(", ") : null;
      facts(list, [
        ["Image", settings.image],
        ["Payload", settings.payloadBytes === undefined || settings.payloadBytes === null ? "none"
          : `${settings.payloadBytes} bytes at ${settings.payloadPath}/payload`],
        ["Time limit", `${settings.timeLimitSeconds} s`],
        ["Backoff limit", settings.backoffLimit],
        ["Requests", resources("requests")],
        ["Limits", resources("limits")],
        ["Failure policy", settings.failurePolicy && JSON.stringify(settings.failurePolicy)],
      ]);
    } catch (error) {
      if (settingsFor === name) facts(list, [["", error.message]]);
    }
  }

  // MARK: - A job's output

  let logAbort = null;
  let logFor = null;
  let logFollowing = null;

  /** Reads the job's stdout and stderr apart, with timestamps, followed while the job has not ended. */
  function openLog(job) {
    if (logAbort) logAbort.abort();
    const controller = new AbortController();
    logAbort = controller;
    logFor = job.name;
    logFollowing = !ended(job.status);
    const list = $("#job-log");
    list.replaceChildren();
    $("#log-state").textContent = logFollowing ? "(following)" : "";
    const reads = ["stdout", "stderr"].map(async (stream) => {
      const query = `stream=${stream}&timestamps=true&follow=${logFollowing}`;
      const response = await fetch(`${api}/jobs/${encodeURIComponent(job.name)}/logs?${query}`,
                                   { headers: authorization(), signal: controller.signal });
      if (!response.ok) throw new Error(`output: ${response.status}`);
      await readLines(response, (line) => addLogLine(list, stream, line));
    });
    Promise.allSettled(reads).then((results) => {
      if (controller.signal.aborted) return;
      const failed = results.find((result) => result.status === "rejected");
      $("#log-state").textContent = failed ? `(${failed.reason.message})` : logFollowing ? "(job ended)" : "";
    });
  }

  function closeLog() {
    if (logAbort) logAbort.abort();
    logAbort = null;
    logFor = null;
  }

  /** Nanosecond timestamps compare as text once their fractions have the same length. */
  function sortableTime(stamp) {
    return stamp.replace(/(\.(\d+))?Z$/, (_, __, digits) => "." + (digits || "").padEnd(9, "0") + "Z");
  }

  function addLogLine(list, stream, line) {
    const space = line.indexOf(" ");
    const stamp = sortableTime(space < 0 ? line : line.slice(0, space));
    const item = document.createElement("li");
    item.className = stream;
    item.dataset.time = stamp;
    item.textContent = space < 0 ? "" : line.slice(space + 1);
    let before = null;
    let node = list.lastElementChild;
    while (node && node.dataset.time > stamp) { before = node; node = node.previousElementSibling; }
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.insertBefore(item, before);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  // MARK: - A batch

  function renderBatch() {
    const section = $("#view-batch");
    const batch = held.batches.get(route.name);
    $(".name", section).textContent = route.name;
    if (!batch) {
      badge("Gone", $("#batch-status"));
      facts($("#batch-facts"), [["", "This batch is not (or no longer) in the scheduler's history."]]);
      $("tbody", section).replaceChildren();
      setActions(section, []);
      return;
    }
    badge(batch.status, $("#batch-status"));
    facts($("#batch-facts"), [
      ["Batch ID", batch.batchId],
      ["Created", time(batch.created)],
      ["Started", time(batch.started)],
      ["Ended", batch.ended && time(batch.ended)],
      ["Message", batch.message],
      ["Jobs", `${(batch.jobStatuses || []).length}: ${batchCounts(batch)}`],
    ]);
    setActions(section, ["stop", "restart", "delete"], batch.status);
    const filter = $("#batch-jobs-filter").value;
    const jobs = (batch.jobStatuses || []).filter((job) => !filter || job.status === filter);
    $("#batch-jobs-count").textContent = `${jobs.length} of ${(batch.jobStatuses || []).length} jobs`;
    renderPaged(section, jobs, "batchJobs", (job) => {
      const row = jobRow(job, true);
      const stop = document.createElement("button");
      stop.type = "button";
      stop.textContent = "Stop";
      stop.setAttribute("aria-label", `Stop job ${job.name}`);
      stop.dataset.key = "stop:" + job.name;
      stop.disabled = ended(job.status) || job.status === "Stopping";
      stop.onclick = () => act("stop", "job", job.name, batch.name);
      cell(row, stop);
      return row;
    });
  }

  // MARK: - Schedules

  function renderSchedules() {
    const summary = held.summary;
    $("#schedules-summary").textContent = summary
      ? `Runs so far: ${summary.successCount} succeeded, ${summary.failureCount} failed, ${summary.stoppedCount} stopped` +
        (summary.lastSuccessAt ? ` · last success ${time(summary.lastSuccessAt)}` : "") +
        (summary.lastFailureAt ? ` · last failure ${time(summary.lastFailureAt)}` : "")
      : "";
    const list = $("#schedules-list");
    show(list, (held.schedules || []).map((schedule) => {
      const card = document.createElement("article");
      card.className = "schedule";
      card.dataset.index = schedule.index;
      card.setAttribute("aria-label", `Schedule ${schedule.index}: ${schedule.expression}`);
      const heading = document.createElement("h3");
      heading.textContent = schedule.expression;
      const details = document.createElement("dl");
      details.className = "facts";
      const next = document.createElement("ol");
      for (const run of schedule.nextRuns || []) {
        const item = document.createElement("li");
        item.textContent = time(run);
        next.append(item);
      }
      const last = schedule.lastRun;
      const lastRun = last ? document.createElement("span") : null;
      if (last) lastRun.append(link(jobHref(last.name), last.name), " ", badge(last.status), ` for ${time(last.scheduledAt)}`);
      facts(details, [
        ["Time zone", schedule.timeZone],
        ["Concurrency", schedule.concurrency],
        ["State", schedule.suspended ? "Suspended" : "Active"],
        ["Next runs", schedule.nextRuns && schedule.nextRuns.length ? next : "none while suspended"],
        ["Last run", lastRun || "none yet"],
      ]);
      const actions = document.createElement("div");
      actions.className = "actions";
      const button = (text, label, handler) => {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = text;
        element.setAttribute("aria-label", `${label} schedule ${schedule.index}`);
        element.dataset.key = `${label}:${schedule.index}`;
        element.onclick = handler;
        actions.append(element);
      };
      button("Run now", "Run now", () => runSchedule(schedule.index));
      if (schedule.suspended) button("Resume", "Resume", () => suspendSchedule(schedule.index, false));
      else button("Suspend", "Suspend", () => suspendSchedule(schedule.index, true));
      card.append(heading, details, actions);
      return card;
    }));
  }

  async function runSchedule(index) {
    try {
      const job = await call("POST", `/schedules/${index}/run`);
      held.jobs.set(job.name, job);
      location.hash = jobHref(job.name);
    } catch (error) {
      showAlert(error.message);
    }
  }

  async function suspendSchedule(index, suspend) {
    try {
      await call("POST", `/schedules/${index}/${suspend ? "suspend" : "resume"}`);
      refreshSchedules();
    } catch (error) {
      showAlert(error.message);
    }
  }

  // MARK: - Actions

  function askToConfirm(text) {
    const dialog = $("#confirm");
    $("#confirm-text").textContent = text;
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
  }

  const explanations = {
    stop: "Stop %s? A running job is sent SIGTERM, then killed after its grace period.",
    restart: "Restart %s? It is run again from the start; a running job is stopped first.",
    delete: "Delete %s? Its container and output are removed for good; a running job is killed.",
  };

  /** Stops, restarts or deletes a job, a batch, or (with `batch`) a batch's job, once confirmed. */
  async function act(action, kind, name, batch) {
    if (!await askToConfirm(explanations[action].replace("%s", `${kind} ${name}`))) return;
    const path = batch
      ? `/batches/${encodeURIComponent(batch)}/jobs/${encodeURIComponent(name)}/${action}`
      : `/${kind === "job" ? "jobs" : "batches"}/${encodeURIComponent(name)}` + (action === "delete" ? "" : `/${action}`);
    try {
      await call(action === "delete" ? "DELETE" : "POST", path);
      if (action === "delete") location.hash = kind === "job" ? "#/jobs" : "#/batches";
    } catch (error) {
      showAlert(error.message);
    }
  }

  for (const [section, kind] of [["#view-job", "job"], ["#view-batch", "batch"]]) {
    for (const button of $(section).querySelectorAll(".actions button")) {
      button.addEventListener("click", () => {
        const found = kind === "job" ? findJob(route.name) : null;
        act(button.dataset.action, kind, route.name, found && found.batch ? found.batch.name : undefined);
      });
    }
  }

  // MARK: - Running jobs and batches

  const lines = (text) => text.split("\n").map((line) => line.trimEnd()).filter((line) => line !== "");

  /** The request `POST /jobs` gets from the job form; throws for a field it cannot read. */
  async function jobRequest() {
    const value = (id) => $(id).value.trim();
    const request = {};
    const file = $("#job-payload-file").files[0];
    const payload = file ? await file.text() : $("#job-payload").value;
    if (payload !== "") request.payload = payload;
    if (value("#job-id")) request.jobId = value("#job-id");
    if (value("#job-image-tag")) request.imageTagName = value("#job-image-tag");
    if (value("#job-time-limit")) request.timeLimitSeconds = Number(value("#job-time-limit"));
    if (value("#job-backoff")) request.backoffLimit = Number(value("#job-backoff"));
    const variables = {};
    for (const line of lines($("#job-variables").value)) {
      const equals = line.indexOf("=");
      if (equals <= 0) throw new Error(`Variables: "${line}" is not NAME=value`);
      variables[line.slice(0, equals).trim()] = line.slice(equals + 1);
    }
    if (Object.keys(variables).length) request.variables = variables;
    const resources = {};
    for (const [kind, cpu, memory] of [["requests", "#job-cpu-request", "#job-memory-request"], ["limits", "#job-cpu-limit", "#job-memory-limit"]]) {
      const list = {};
      if (value(cpu)) list.cpu = value(cpu);
      if (value(memory)) list.memory = value(memory);
      if (Object.keys(list).length) resources[kind] = list;
    }
    if (Object.keys(resources).length) request.resources = resources;
    if (lines($("#job-command").value).length) request.command = lines($("#job-command").value);
    if (lines($("#job-args").value).length) request.args = lines($("#job-args").value);
    if (value("#job-extra")) {
      let extra;
      try { extra = JSON.parse(value("#job-extra")); } catch (error) { throw new Error("Other fields: not JSON: " + error.message); }
      if (typeof extra !== "object" || extra === null || Array.isArray(extra)) throw new Error("Other fields: not a JSON object");
      Object.assign(request, extra);
    }
    return request;
  }

  async function submit(form, makeRequest, post) {
    const button = $("button[type=submit]", form);
    button.disabled = true;
    try {
      await post(await makeRequest());
      hideAlert();
    } catch (error) {
      showAlert(error.message);
    } finally {
      button.disabled = false;
    }
  }

  $("#job-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit(event.target, jobRequest, async (request) => {
      const job = await call("POST", "/jobs", request);
      // A chosen file would otherwise stand in for the next run's typed payload.
      $("#job-payload-file").value = "";
      if (!held.jobs.has(job.name)) held.jobs.set(job.name, job);
      location.hash = jobHref(job.name);
    });
  });

  $("#batch-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit(event.target, async () => {
      const payloads = lines($("#batch-payloads").value);
      for (const file of $("#batch-payload-files").files) payloads.push(await file.text());
      if (!payloads.length) throw new Error("A batch needs at least one payload");
      const request = { jobScheduleDescriptions: payloads.map((payload) => ({ payload })) };
      if ($("#batch-id").value.trim()) request.batchId = $("#batch-id").value.trim();
      if ($("#batch-time-limit").value.trim()) request.defaultRadixJobComponentConfig = { timeLimitSeconds: Number($("#batch-time-limit").value) };
      return request;
    }, async (request) => {
      const batch = await call("POST", "/batches", request);
      $("#batch-payload-files").value = "";
      if (!held.batches.has(batch.name)) held.batches.set(batch.name, batch);
      location.hash = batchHref(batch.name);
    });
  });

  // MARK: - Token, alerts, routing

  function askForToken() {
    const dialog = $("#token-dialog");
    if (dialog.open) return;
    $("#token-input").value = "";
    dialog.returnValue = "";
    dialog.showModal();
  }

  $("#token-dialog").addEventListener("close", () => {
    if ($("#token-dialog").returnValue !== "ok") return;
    token = $("#token-input").value.trim();
    sessionStorage.setItem("job-scheduler-token", token);
    held.lastEventId = null;
    follow();
  });
  $("#token-button").addEventListener("click", askForToken);

  let alertTimer = null;

  function showAlert(text) {
    const alert = $("#alert");
    alert.textContent = text;
    alert.hidden = false;
    clearTimeout(alertTimer);
    alertTimer = setTimeout(hideAlert, 10000);
  }

  function hideAlert() {
    $("#alert").hidden = true;
  }

  for (const [id, key] of [["#jobs-filter", "jobs"], ["#batches-filter", "batches"], ["#batch-jobs-filter", "batchJobs"]]) {
    $(id).addEventListener("change", () => { pages[key] = 0; render(); });
  }
  for (const stream of ["stdout", "stderr"]) {
    $("#log-" + stream).addEventListener("change", (event) => $("#job-log").classList.toggle("hide-" + stream, !event.target.checked));
  }

  function readRoute() {
    const [view, name] = location.hash.replace(/^#\/?/, "").split("/");
    if (view === "jobs" && name) return { view: "job", name: decodeURIComponent(name) };
    if (view === "batches" && name) return { view: "batch", name: decodeURIComponent(name) };
    return { view: ["jobs", "batches", "schedules", "run"].includes(view) ? view : "jobs", name: null };
  }

  function render() {
    for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== "view-" + route.view;
    const tab = { job: "jobs", batch: "batches" }[route.view] || route.view;
    for (const a of document.querySelectorAll(".tabs a")) {
      if (a.dataset.view === tab) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    if (route.view !== "job") { closeLog(); settingsFor = null; }
    switch (route.view) {
      case "jobs": renderJobs(); break;
      case "batches": renderBatches(); break;
      case "job": renderJob(); break;
      case "batch": renderBatch(); break;
      case "schedules": renderSchedules(); break;
    }
  }

  window.addEventListener("hashchange", () => {
    const next = readRoute();
    if (next.view !== route.view || next.name !== route.name) {
      if (next.view === "batch" && next.name !== route.name) pages.batchJobs = 0;
      route = next;
      closeLog();
      settingsFor = null;
      render();
      const heading = $(`#view-${route.view} h2`);
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });

  route = readRoute();
  render();
  if (document.body.dataset.tokenRequired === "true" && !token) askForToken();
  else follow();
})();
