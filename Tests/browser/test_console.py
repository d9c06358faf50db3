"""The web console in headless Chromium: sign in, the calendar, dragging an item to another day
(and the keyboard alternative), a refused move with auto-resolve, the queue dashboard's charts,
retrying a failed item and confirming an outcome-unknown one published, the create form's conflict
warning and its recurrence builder. State is
arranged and checked with schedctl (Get), never by the page alone.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import SCREENSHOTS, screenshot

MONTH = "2030-06"


def enqueue(stack, content, at, tz="UTC", platforms=("twitter",)):
    args = ["enqueue", "--project", "blog", "--content", content, "--at", at, "--tz", tz]
    for p in platforms:
        args += ["--platform", p]
    return stack.schedctl(*args)["schedule"]["id"]


def get(stack, schedule_id):
    return stack.schedctl("get", schedule_id, "--project", "blog")


def wait(driver, seconds=15):
    return WebDriverWait(driver, seconds)


def open_calendar(stack, browser):
    browser.get(f"{stack.url}projects/blog/calendar?month={MONTH}&tz=UTC")
    wait(browser).until(EC.presence_of_element_located((By.ID, "calendar")))


def wait_until_moved(stack, schedule_id, prefix, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        local = get(stack, schedule_id)["localTime"]
        if local.startswith(prefix):
            return local
        time.sleep(0.1)
    raise AssertionError(f"{schedule_id} is still at {local}, expected {prefix}…")


def test_sign_in_with_a_pasted_token(stack, browser):
    browser.get(stack.signin_url)
    wait(browser).until(EC.presence_of_element_located((By.ID, "sign-in")))
    browser.find_element(By.ID, "token").send_keys("st_not_a_token")
    browser.find_element(By.ID, "project").send_keys("blog")
    browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#sign-in .error"), "does not accept that token"))
    screenshot(browser, "01-sign-in-refused")
    token = browser.find_element(By.ID, "token")
    token.clear()
    token.send_keys(stack.admin_token)
    browser.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "calendar")))
    cookie = browser.get_cookie("sc_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "blog" in browser.find_element(By.CSS_SELECTOR, "nav .project").text


def test_calendar_shows_items_and_drag_moves_one(stack, browser):
    a = enqueue(stack, "launch-post", f"{MONTH}-10T09:00", tz="Europe/Berlin", platforms=("twitter", "linkedin"))
    enqueue(stack, "newsletter", f"{MONTH}-10T15:30", platforms=("medium",))
    enqueue(stack, "weekly-tip", f"{MONTH}-18T08:00", platforms=("reddit",))
    open_calendar(stack, browser)  # dev mode: signed in automatically
    item = browser.find_element(By.CSS_SELECTOR, f'li.item[data-id="{a}"]')
    assert item.get_attribute("data-date") == f"{MONTH}-10"
    ActionChains(browser).move_to_element(item).perform()
    tip = item.find_element(By.CSS_SELECTOR, ".tip")
    assert tip.is_displayed() and "Europe/Berlin" in tip.text and "twitter, linkedin" in tip.text
    screenshot(browser, "02-calendar-tooltip")
    target = browser.find_element(By.CSS_SELECTOR, f'td.day[data-date="{MONTH}-13"]')
    ActionChains(browser).drag_and_drop(item, target).perform()
    try:
        wait_until_moved(stack, a, f"{MONTH}-13", seconds=3)
        method = "WebDriver pointer actions"
    except AssertionError:
        method = "dispatched DragEvents (pointer actions did not start an HTML5 drag)"
        # chromedriver does not turn WebDriver pointer actions into HTML5 drag events; dispatch the
        # same dragstart/dragover/drop sequence a mouse drag produces, with one DataTransfer.
        browser.execute_script(
            """
            const [item, target] = arguments;
            const dt = new DataTransfer();
            item.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
            target.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
            target.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
            """,
            browser.find_element(By.CSS_SELECTOR, f'li.item[data-id="{a}"]'), target)
        wait_until_moved(stack, a, f"{MONTH}-13")
    (SCREENSHOTS / "drag-method.txt").write_text(method + "\n")
    moved = get(stack, a)
    assert moved["localTime"].startswith(f"{MONTH}-13T09:00") and moved["timezone"] == "Europe/Berlin"
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, f'td.day[data-date="{MONTH}-13"] li.item[data-id="{a}"]')))
    screenshot(browser, "03-calendar-after-drag")


def test_keyboard_moves_an_item(stack, browser):
    b = enqueue(stack, "keyboard-post", f"{MONTH}-20T10:00", platforms=("facebook",))
    open_calendar(stack, browser)
    item = browser.find_element(By.CSS_SELECTOR, f'li.item[data-id="{b}"]')
    item.send_keys(Keys.ENTER)
    item.send_keys(Keys.ARROW_RIGHT)
    item.send_keys(Keys.ARROW_DOWN)  # one day, then one week: the 28th
    item.send_keys(Keys.ENTER)
    assert wait_until_moved(stack, b, f"{MONTH}-28").startswith(f"{MONTH}-28T10:00")


def test_refused_move_shows_conflicts_and_auto_resolves(stack, browser):
    for i in range(5):
        enqueue(stack, f"burst-{i}", f"{MONTH}-05T12:00")
    sixth = enqueue(stack, "sixth", f"{MONTH}-04T12:00")
    open_calendar(stack, browser)
    item = browser.find_element(By.CSS_SELECTOR, f'li.item[data-id="{sixth}"]')
    item.send_keys(Keys.ENTER)
    item.send_keys(Keys.ARROW_RIGHT)
    item.send_keys(Keys.ENTER)
    dialog = wait(browser).until(EC.visibility_of_element_located((By.ID, "move-dialog")))
    assert dialog.find_elements(By.CSS_SELECTOR, "#move-conflicts li")
    screenshot(browser, "04-calendar-refused-move")
    assert get(stack, sixth)["localTime"].startswith(f"{MONTH}-04T12:00")
    browser.find_element(By.ID, "move-resolve").click()
    local = wait_until_moved(stack, sixth, f"{MONTH}-05")
    assert local != f"{MONTH}-05T12:00:00"


def test_queue_dashboard_renders_charts_and_retries_a_failed_item(stack, browser):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")
    doomed = enqueue(stack, "doomed", now)
    lease = stack.schedctl("dequeue", "--project", "blog", "--start", "--limit", "1")["items"][0]
    assert lease["schedule"]["id"] == doomed
    stack.schedctl("fail", doomed, "--project", "blog", "--lease-token", lease["leaseToken"], "--error", "account suspended", "--permanent")
    browser.get(f"{stack.url}projects/blog/queue")
    wait(browser).until(EC.presence_of_element_located((By.ID, "chart-status")))
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart-status rect")
    assert bars and max(b.size["width"] for b in bars) > 50
    for chart in ("chart-finished", "chart-success", "chart-wait"):
        assert browser.find_element(By.ID, chart).size["height"] > 100
    row = browser.find_element(By.CSS_SELECTOR, f'#failed tr[data-id="{doomed}"]')
    assert "account suspended" in row.text
    screenshot(browser, "05-queue-dashboard")
    row.find_element(By.CSS_SELECTOR, "button.retry").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.notice"), doomed))
    assert get(stack, doomed)["queueStatus"] in ("QUEUE_STATUS_PENDING", "PENDING", "pending")
    screenshot(browser, "06-queue-after-retry")


def test_dashboard_charts_show_the_rolled_up_day(stack, browser):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")
    done = enqueue(stack, "published", now, platforms=("medium",))
    lease = stack.schedctl("dequeue", "--project", "blog", "--start", "--limit", "1")["items"][0]
    stack.schedctl("complete", lease["schedule"]["id"], "--project", "blog", "--lease-token", lease["leaseToken"])
    assert lease["schedule"]["id"] == done
    stack.restart_server()  # its first pass rolls up today, as the running server does each minute
    deadline = time.monotonic() + 30
    while True:
        browser.get(f"{stack.url}projects/blog/queue")
        bars = browser.find_elements(By.CSS_SELECTOR, "#chart-finished rect.st-completed")
        if bars or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert bars and bars[-1].size["height"] > 0
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-success circle")
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-wait circle")
    assert "medium" in browser.find_element(By.ID, "platforms").text
    screenshot(browser, "09-queue-charts-with-data")


def test_create_form_warns_of_a_conflict_before_saving(stack, browser):
    for i in range(5):
        enqueue(stack, f"busy-{i}", f"{MONTH}-07T12:00")
    browser.get(f"{stack.url}projects/blog/schedules/new?tz=UTC")
    form = wait(browser).until(EC.presence_of_element_located((By.ID, "schedule-form")))
    form.find_element(By.ID, "content_id").send_keys("from-the-form")
    # A datetime-local field's typing order depends on the locale: set its value as a picker would.
    browser.execute_script(
        "const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true}));",
        form.find_element(By.ID, "local_time"), f"{MONTH}-07T12:00")
    form.find_element(By.CSS_SELECTOR, 'input[name="platform"][value="twitter"]').click()
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "validation"), "refused"))
    assert "next free time" in browser.find_element(By.ID, "validation").text
    screenshot(browser, "07-new-schedule-conflict-warning")
    listed = stack.schedctl("list", "--project", "blog", "--limit", "100")
    assert not any(s["contentId"] == "from-the-form" for s in listed["items"])
    form.find_element(By.CSS_SELECTOR, 'input[name="auto_resolve"]').click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "schedule")))
    created = browser.find_element(By.ID, "schedule").get_attribute("data-id")
    local = get(stack, created)["localTime"]
    assert local.startswith(f"{MONTH}-07T") and local != f"{MONTH}-07T12:00:00"


def test_week_view_moves_an_item_to_another_day_and_hour(stack, browser):
    w = enqueue(stack, "week-post", f"{MONTH}-12T09:15", platforms=("linkedin",))
    browser.get(f"{stack.url}projects/blog/calendar?view=week&week={MONTH}-12&tz=UTC")
    item = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, f'td[data-hour="9"] li.item[data-id="{w}"]')))
    screenshot(browser, "08-week-view")
    item.send_keys(Keys.ENTER)
    item.send_keys(Keys.ARROW_DOWN)   # an hour later
    item.send_keys(Keys.ARROW_RIGHT)  # a day later
    item.send_keys(Keys.ENTER)
    assert wait_until_moved(stack, w, f"{MONTH}-13T10:15").startswith(f"{MONTH}-13T10:15")


def test_recurrence_builder_previews_and_stores_a_weekly_rule(stack, browser):
    browser.get(f"{stack.url}projects/blog/schedules/new?tz=UTC")
    form = wait(browser).until(EC.presence_of_element_located((By.ID, "schedule-form")))
    # Before a recurring kind is chosen, the script hides the builder and the written rule.
    assert not form.find_element(By.ID, "builder").is_displayed()
    assert not form.find_element(By.ID, "rule").is_displayed()
    form.find_element(By.ID, "content_id").send_keys("weekly-from-the-builder")
    browser.execute_script(
        "const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true}));",
        form.find_element(By.ID, "local_time"), f"{MONTH}-03T06:45")  # a Monday
    form.find_element(By.CSS_SELECTOR, 'input[name="platform"][value="hashnode"]').click()
    Select(form.find_element(By.ID, "recurrence")).select_by_value("weekly")
    assert form.find_element(By.ID, "weekdays").is_displayed()
    assert not form.find_element(By.ID, "monthly").is_displayed()
    assert not form.find_element(By.ID, "rule").is_displayed()
    assert form.find_element(By.ID, "interval-unit").text == "weeks"
    for day in ("MO", "TH"):
        form.find_element(By.CSS_SELECTOR, f'input[name="byday"][value="{day}"]').click()
    rule = "FREQ=WEEKLY;BYDAY=MO,TH"
    wait(browser).until(lambda d: d.find_element(By.ID, "composed-rule").text == rule)
    # The preview in the same answer as the composed rule: five dates, each a Monday or a Thursday.
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#validation .occurrences"), "Next: "))
    text = browser.find_element(By.CSS_SELECTOR, "#validation .occurrences").text
    shown = [o.strip() for o in text.removeprefix("Next: ").split("·")]
    dates = [datetime.strptime(o, "%Y-%m-%d %H:%M UTC") for o in shown]
    assert len(dates) == 5 and dates == sorted(dates)
    assert {d.strftime("%a") for d in dates} == {"Mon", "Thu"}
    assert [d.strftime("%m-%d") for d in dates] == ["06-03", "06-06", "06-10", "06-13", "06-17"]
    assert all(d.strftime("%H:%M") == "06:45" for d in dates)
    browser.set_window_size(1400, 1150)  # the whole form and its preview in one picture
    try:
        screenshot(browser, "10-new-schedule-recurrence-builder")
    finally:
        browser.set_window_size(1400, 1000)
    listed = stack.schedctl("list", "--project", "blog", "--limit", "100")
    assert not any(s["contentId"] == "weekly-from-the-builder" for s in listed["items"])
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "schedule")))
    created = browser.find_element(By.ID, "schedule").get_attribute("data-id")
    stored = get(stack, created)
    assert stored["recurrence"] == {"rrule": rule}
    assert stored["localTime"] == f"{MONTH}-03T06:45:00" and stored["isRecurring"]
    assert browser.find_element(By.ID, "recurrence").text == f"RRULE {rule}"


def test_an_outcome_unknown_item_is_confirmed_published_from_the_dashboard(stack, browser):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")
    args = ["enqueue", "--project", "blog", "--content", "lost", "--at", now, "--tz", "UTC", "--platform", "twitter", "--priority", "10"]
    lost = stack.schedctl(*args)["schedule"]["id"]
    lease = stack.schedctl("dequeue", "--project", "blog", "--start", "--limit", "1", "--lease", "1")["items"][0]
    assert lease["schedule"]["id"] == lost
    # The server's reaper (every second) holds it once the lease has run out.
    deadline = time.monotonic() + 15
    while get(stack, lost)["queueStatus"] != "FAILED":
        assert time.monotonic() < deadline, "the lost lease was not held"
        time.sleep(0.2)
    browser.get(f"{stack.url}projects/blog/queue")
    row = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, f'#outcome-unknown tr[data-id="{lost}"]')))
    assert row.find_element(By.CSS_SELECTOR, "button.retry").text == "Publish again"
    row.find_element(By.CSS_SELECTOR, "form.went-out summary").click()
    row.find_element(By.CSS_SELECTOR, 'input[name="url.TWITTER"]').send_keys("https://twitter.com/blog/status/77")
    row.find_element(By.CSS_SELECTOR, 'input[name="note"]').send_keys("on the timeline")
    screenshot(browser, "12-queue-outcome-unknown")
    row.find_element(By.CSS_SELECTOR, "button.went-out").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.notice"), "recorded as published"))
    got = get(stack, lost)
    assert got["queueStatus"] == "COMPLETED"
    assert [r["url"] for r in got["results"]] == ["https://twitter.com/blog/status/77"]
    assert got["attempts"][-1]["outcome"] == "OUTCOME_UNKNOWN"
    assert got["attempts"][-1]["confirmation"]["note"] == "on the timeline"
    assert not browser.find_elements(By.ID, "outcome-unknown")
