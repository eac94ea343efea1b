"""The web console in a real browser: headless Chromium driven by Selenium against a live scheduler.

    python3 scripts/console_test.py <base URL> <token> <screenshot folder>

The scheduler's job (see scripts/console-test.sh) prints `payload: <payload>` to stdout and `to stderr`
to stderr, sleeps $SLEEP seconds (3 by default) and prints `done`; it has one cron schedule that never
comes due during the test. Every step is a person's: typing, clicking, pressing keys; the page is
never reloaded (a marker set on `window` at the start must still be there at the end). A screenshot of
each step is written to the folder.
"""

import json
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

base, token, shots = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(shots, exist_ok=True)
TIMEOUT = 90

options = webdriver.ChromeOptions()
for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--disable-gpu"):
    options.add_argument(argument)
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
browser = webdriver.Chrome(options=options, service=service)
step_number = 0


def step(name):
    global step_number
    step_number += 1
    print(f"console-test: {step_number:02d} {name}", flush=True)


def shot(name):
    path = os.path.join(shots, f"{step_number:02d}-{name}.png")
    browser.save_screenshot(path)


def wait_until(what, condition, timeout=TIMEOUT):
    # A condition that reads an element the page replaced meanwhile (a live update of a list) or has not
    # drawn yet is asked again, not failed: only the timeout decides.
    try:
        return WebDriverWait(browser, timeout, poll_frequency=0.1,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(lambda _: condition())
    except TimeoutException:
        shot("timeout")
        raise AssertionError(f"timed out after {timeout}s waiting until {what}") from None


def find(selector):
    return browser.find_element(By.CSS_SELECTOR, selector)


def text(selector):
    for _ in range(50):
        try:
            return find(selector).text
        except StaleElementReferenceException:  # replaced by a live update just now
            time.sleep(0.05)
    return find(selector).text


def post_job(payload):
    """Runs a job behind the page's back, through the API, as another client would."""
    request = urllib.request.Request(base + "/api/v1/jobs", data=json.dumps({"payload": payload}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)["name"]


def click(selector):
    """Clicks what `selector` finds once it can be clicked; a live page may replace it meanwhile (a schedule's
    buttons when its last run changes), so a stale one is looked up again, as a person would."""
    def clicked():
        try:
            element = ready.element_to_be_clickable((By.CSS_SELECTOR, selector))(browser)
            if element:
                element.click()
                return True
        except StaleElementReferenceException:
            pass
        return False
    wait_until(f"{selector} can be clicked", clicked)


def fill(selector, value):
    field = find(selector)
    field.clear()
    field.send_keys(value)


def confirm(accept):
    wait_until("the confirmation dialog is open", lambda: browser.execute_script("return document.querySelector('#confirm').open"))
    question = text("#confirm-text")
    click("#confirm-ok" if accept else "#confirm button[value=cancel]")
    wait_until("the confirmation dialog is closed", lambda: not browser.execute_script("return document.querySelector('#confirm').open"))
    return question


def record_states():
    """Records every status the job view's badge shows, as the page changes it."""
    browser.execute_script("""
        window.seenStates = [];
        const badge = document.querySelector('#job-status');
        const note = () => { const s = badge.textContent; if (s && window.seenStates[window.seenStates.length - 1] !== s) window.seenStates.push(s); };
        new MutationObserver(note).observe(badge, {childList: true, characterData: true, subtree: true});
    """)


def current_job():
    return browser.execute_script("return decodeURIComponent(location.hash.split('/')[2] || '')")


def job_status():
    return text("#job-status")


def run_job(payload, variables=""):
    click(".tabs a[data-view=run]")
    fill("#job-payload", payload)
    if variables:
        browser.execute_script("document.querySelector('#job-form details').open = true")
        fill("#job-variables", variables)
    click("#job-form button[type=submit]")
    wait_until("the new job's view is shown", lambda: browser.execute_script("return location.hash.startsWith('#/jobs/')"))
    return current_job()


try:
    step("open the console: it asks for the token, then follows the scheduler")
    browser.get(base + "/")
    browser.execute_script("window.neverReloaded = true")
    wait_until("the token dialog is open", lambda: browser.execute_script("return document.querySelector('#token-dialog').open"))
    shot("token")
    fill("#token-input", token)
    find("#token-input").send_keys(Keys.ENTER)
    wait_until("the stream is live", lambda: text("#stream-state") == "Live")
    wait_until("the engine is reachable", lambda: text("#engine-state") == "Engine: reachable")
    assert find("#view-jobs").is_displayed(), "the jobs view is the first"
    shot("jobs")

    step("run a job from the form with a payload; watch it go Waiting, Running, Succeeded without reload")
    click(".tabs a[data-view=run]")
    record_states()
    first = run_job("x=10 y=20")
    wait_until("the job succeeds", lambda: job_status() == "Succeeded")
    states = browser.execute_script("return window.seenStates")
    assert states == ["Waiting", "Running", "Succeeded"], f"the page showed {states}"
    shot("job-succeeded")

    step("read its output: stdout and stderr apart")
    wait_until("stdout holds the payload", lambda: "payload: x=10 y=20" in [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#job-log li.stdout")])
    wait_until("stderr holds its line", lambda: "to stderr" in [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#job-log li.stderr")])
    wait_until("stdout holds the last line", lambda: "done" in [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#job-log li.stdout")])
    lines = [(e.get_attribute("class"), e.text) for e in browser.find_elements(By.CSS_SELECTOR, "#job-log li")]
    assert lines == [("stdout", "payload: x=10 y=20"), ("stderr", "to stderr"), ("stdout", "done")], f"output {lines}"
    settings = text("#job-settings")
    assert "9 bytes at /args/payload" in settings, f"settings: {settings}"
    attempts = browser.find_elements(By.CSS_SELECTOR, "#job-attempts tbody tr")
    assert len(attempts) == 1 and "0" in attempts[0].text, f"attempts: {[a.text for a in attempts]}"
    shot("job-output")

    step("the jobs list shows it, updated live; a job another client runs appears, and the focus stays put")
    click(".tabs a[data-view=jobs]")
    wait_until("the list holds the job as Succeeded",
               lambda: any(first in row.text and "Succeeded" in row.text for row in browser.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr")))
    browser.execute_script("document.querySelector(arguments[0]).focus()", f"#jobs-table a[href='#/jobs/{first}']")
    other = post_job("from another client")
    wait_until("the other client's job appears and ends", lambda: other in text("#jobs-table") and
               "Succeeded" in browser.find_element(By.CSS_SELECTOR, f"#jobs-table tr[data-name='{other}']").text)
    focused = browser.execute_script("return document.activeElement.getAttribute('href')")
    assert focused == "#/jobs/" + first, f"the focus moved to {focused}"
    shot("jobs-list")

    step("stop a long job, with confirmation")
    long_job = run_job("long", "SLEEP=60")
    wait_until("the long job runs", lambda: job_status() == "Running")
    wait_until("its output is followed", lambda: "payload: long" in text("#job-log"))
    assert "(following)" in text("#log-state"), text("#log-state")
    click("#view-job .actions button[data-action=stop]")
    question = confirm(False)
    assert long_job in question, question
    time.sleep(1)
    assert job_status() == "Running", "cancelling the confirmation stops nothing"
    click("#view-job .actions button[data-action=stop]")
    confirm(True)
    wait_until("the long job is stopped", lambda: job_status() == "Stopped")
    wait_until("the output's follow ends with the job", lambda: "(job ended)" in text("#log-state"))
    shot("job-stopped")
    click(".tabs a[data-view=jobs]")
    Select(find("#jobs-filter")).select_by_visible_text("Stopped")
    job_rows = lambda: browser.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr")
    wait_until("the filter shows the stopped job only", lambda: [row.get_attribute("data-name") for row in job_rows()] == [long_job])
    Select(find("#jobs-filter")).select_by_visible_text("All")
    wait_until("the filter is off", lambda: len(job_rows()) == 3)

    step("run a batch from a list of payloads, and page through its jobs")
    click(".tabs a[data-view=run]")
    fill("#batch-payloads", "\n".join(f"p{n}" for n in range(1, 31)))
    fill("#batch-id", "console-batch")
    click("#batch-form button[type=submit]")
    wait_until("the batch's view is shown", lambda: browser.execute_script("return location.hash.startsWith('#/batches/')"))
    batch = current_job()
    rows = lambda: browser.find_elements(By.CSS_SELECTOR, "#batch-jobs-table tbody tr")
    wait_until("the first page of its jobs is listed", lambda: len(rows()) == 25)
    assert "Page 1 of 2" in text("#view-batch .pager"), text("#view-batch .pager")
    shot("batch-running")
    wait_until("the batch completes", lambda: text("#batch-status") == "Completed", timeout=180)
    assert "30 succeeded" in text("#batch-facts") and "console-batch" in text("#batch-facts"), text("#batch-facts")
    assert all("Succeeded" in row.text for row in rows()), [row.text for row in rows()]
    click("#view-batch .pager button:last-child")
    wait_until("the second page holds the last five", lambda: len(rows()) == 5)
    Select(find("#batch-jobs-filter")).select_by_visible_text("Failed")
    wait_until("no job failed", lambda: len(rows()) == 0 and "0 of 30 jobs" in text("#batch-jobs-count"))
    Select(find("#batch-jobs-filter")).select_by_visible_text("All")
    shot("batch-completed")
    click(".tabs a[data-view=batches]")
    wait_until("the batches list holds it", lambda: batch in text("#batches-table"))

    step("see the schedules, and run one now")
    click(".tabs a[data-view=schedules]")
    wait_until("the schedule is shown", lambda: "0 3 1 1 *" in text("#schedules-list"))
    card = text("#schedules-list")
    assert "Europe/Oslo" in card and "Active" in card, card
    shot("schedules")
    click("#schedules-list button[aria-label='Run now schedule 0']")
    wait_until("the scheduled run's view is shown", lambda: browser.execute_script("return location.hash.startsWith('#/jobs/')"))
    scheduled = current_job()
    wait_until("the scheduled run succeeds", lambda: job_status() == "Succeeded")
    assert "0 3 1 1 *" in text("#job-facts"), text("#job-facts")
    click(".tabs a[data-view=schedules]")
    wait_until("the schedule's last run is the one just made", lambda: scheduled in text("#schedules-list"))
    wait_until("the summary counts it", lambda: "succeeded" in text("#schedules-summary"))
    click("#schedules-list button[aria-label='Suspend schedule 0']")
    wait_until("the schedule is suspended", lambda: "Suspended" in text("#schedules-list"))
    click("#schedules-list button[aria-label='Resume schedule 0']")
    wait_until("the schedule is active again", lambda: "Active" in text("#schedules-list"))
    shot("schedule-ran")

    step("run a job with its payload from a file")
    payload_file = os.path.join(shots, "payload.txt")
    with open(payload_file, "w") as file:
        file.write("read from a file")
    click(".tabs a[data-view=run]")
    find("#job-payload-file").send_keys(payload_file)
    click("#job-form button[type=submit]")
    wait_until("the new job's view is shown", lambda: browser.execute_script("return location.hash.startsWith('#/jobs/')") and current_job() != scheduled)
    wait_until("the file's payload reached the job", lambda: "payload: read from a file" in text("#job-log"))
    assert "16 bytes" in text("#job-settings"), text("#job-settings")
    os.remove(payload_file)

    step("restart a job, with confirmation; it runs again")
    browser.execute_script("location.hash = arguments[0]", "#/jobs/" + first)
    wait_until("the job's view is shown", lambda: job_status() == "Succeeded")
    record_states()
    click("#view-job .actions button[data-action=restart]")
    assert first in confirm(True)
    wait_until("the restarted job succeeds again", lambda: "Restarted" in text("#job-facts") and job_status() == "Succeeded")
    states = browser.execute_script("return window.seenStates")
    assert "Running" in states and states[-1] == "Succeeded", f"the page showed {states}"
    shot("job-restarted")

    step("delete a job, with confirmation")
    click("#view-job .actions button[data-action=delete]")
    confirm(True)
    wait_until("the jobs list is shown", lambda: find("#view-jobs").is_displayed())
    wait_until("the deleted job is gone", lambda: first not in text("#jobs-table"))
    shot("job-deleted")

    step("delete a batch, with confirmation")
    browser.execute_script("location.hash = arguments[0]", "#/batches/" + batch)
    wait_until("the batch's view is shown", lambda: text("#batch-status") == "Completed")
    click("#view-batch .actions button[data-action=delete]")
    assert batch in confirm(True)
    wait_until("the batches list is shown without it", lambda: find("#view-batches").is_displayed() and batch not in text("#batches-table"))

    step("with the keyboard only: tab to a view's link and open it")
    find("body").click()
    browser.execute_script("document.activeElement.blur()")
    for _ in range(40):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element.get_attribute("data-view") == "batches":
            break
    assert browser.switch_to.active_element.get_attribute("data-view") == "batches", "the Batches link is reachable with Tab"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_until("the batches view is shown", lambda: find("#view-batches").is_displayed())

    step("every field is labelled, every button named")
    unlabelled = browser.execute_script("""
        return [...document.querySelectorAll('input, select, textarea')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.outerHTML);
    """)
    assert unlabelled == [], f"fields without a label: {unlabelled}"
    unnamed = browser.execute_script("""
        return [...document.querySelectorAll('button, a')]
            .filter(e => !(e.getAttribute('aria-label') || e.textContent.trim())).map(e => e.outerHTML);
    """)
    assert unnamed == [], f"buttons or links without a name: {unnamed}"

    step("on a phone's screen")
    browser.set_window_size(390, 844)
    click(".tabs a[data-view=jobs]")
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    shot("phone")
    browser.set_window_size(1280, 1000)

    step("the API's documentation page stays, linked from the console")
    docs = find("a[href='/docs']").get_attribute("href")
    with urllib.request.urlopen(docs, timeout=10) as answer:
        assert answer.status == 200 and b"swagger.json" in answer.read()

    assert browser.execute_script("return window.neverReloaded === true"), "the page was reloaded"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE" and "401" not in entry["message"]]
    assert errors == [], f"the browser's console shows errors: {errors}"
    print(f"console-test: passed; screenshots in {shots}", flush=True)
except Exception:
    shot("failure")
    print(f"console-test: FAILED at step {step_number}; screenshots in {shots}", flush=True)
    raise
finally:
    browser.quit()
