"""The pages in real headless Chromium (Debian's chromium + chromium-driver, driven by selenium).

Search in Arabic by typing into the form, open the hit, check that a highlight box is drawn over
the page scan, and save screenshots (laptop and phone widths) next to the test's temp files.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Corpus

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(app: Any) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a thread."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.fail(
            "chromium and chromium-driver are not installed: run `make`"
            " (apt-get install chromium chromium-driver)."
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1366,900")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def test_search_in_arabic_then_see_the_word_boxed_on_the_scan(
    browser: Any, server: str, corpus: Corpus, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from selenium.webdriver.common.by import By

    shots = tmp_path_factory.mktemp("screenshots")
    browser.get(server + "/")
    assert browser.execute_script("return document.documentElement.dir") == "rtl"
    box = browser.find_element(By.NAME, "q")
    box.send_keys(corpus.word)
    box.submit()
    count = _wait(browser, "#result-count")
    assert int(count.text) >= 1
    assert browser.find_elements(By.CSS_SELECTOR, ".snippet mark"), "no highlighted snippet"
    browser.save_screenshot(str(shots / "search.png"))

    hit = next(
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "a.open")
        if corpus.flows_doc.sha256 in (a.get_attribute("href") or "")
    )
    hit.click()
    _wait(browser, "svg#scan")
    # the page image really loaded (an <image> that failed has no size to report)
    loaded = browser.execute_script(
        "const i = document.querySelector('svg#scan image');"
        "return new Promise(r => { const im = new Image(); im.onload = () => r(im.naturalWidth);"
        " im.onerror = () => r(0); im.src = i.getAttribute('href'); });"
    )
    assert loaded > 0, "the page scan did not load"
    rects = browser.find_elements(By.CSS_SELECTOR, "svg#scan rect.hitbox")
    assert rects, "no highlight box drawn over the scan"
    svg = browser.find_element(By.CSS_SELECTOR, "svg#scan").rect
    for rect in rects:
        r = rect.rect
        assert r["width"] > 2 and r["height"] > 2
        assert svg["x"] <= r["x"] and r["x"] + r["width"] <= svg["x"] + svg["width"] + 1
        assert svg["y"] <= r["y"] and r["y"] + r["height"] <= svg["y"] + svg["height"] + 1
    assert corpus.word in browser.find_element(By.CSS_SELECTOR, "pre.ocr").text
    browser.save_screenshot(str(shots / "document.png"))

    browser.set_window_size(390, 844)  # a phone
    browser.refresh()
    _wait(browser, "svg#scan rect.hitbox")
    scroll_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert scroll_width <= 390 + 1, "the page scrolls sideways on a phone"
    browser.save_screenshot(str(shots / "document-phone.png"))
    browser.set_window_size(1366, 900)
    print(f"screenshots in {shots}")


def test_person_search_page_links_to_the_record(
    browser: Any, server: str, corpus: Corpus, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from selenium.webdriver.common.by import By

    shots = tmp_path_factory.mktemp("screenshots-person")

    browser.get(server + "/person?lang=en")
    assert browser.execute_script("return document.documentElement.dir") == "ltr"
    browser.find_element(By.NAME, "name").send_keys(corpus.person.name)
    browser.find_element(By.NAME, "mother").send_keys(corpus.person.mother or "")
    browser.find_element(By.NAME, "name").submit()
    _wait(browser, "#result-count")
    first = browser.find_element(By.CSS_SELECTOR, ".person h2 a")
    assert first.text == corpus.person.name or first.text.split()[0] == corpus.person.first
    assert browser.find_element(By.CSS_SELECTOR, ".person .why").text
    browser.save_screenshot(str(shots / "person.png"))
    first.click()
    _wait(browser, "svg#scan rect.hitbox")
    browser.save_screenshot(str(shots / "person-document.png"))
    browser.get(server + "/operator")
    _wait(browser, ".counts")
    browser.save_screenshot(str(shots / "operator.png"))
    print(f"screenshots in {shots}")
    browser.get(server + "/?lang=ar")  # back to Arabic for other tests
