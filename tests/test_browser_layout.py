"""The index as a tool, in a real browser at a desktop's and a phone's size: the table starts
on the first screen, the search box is on a phone's, and while the table scrolls its header
row and its model names stay in sight. Nothing of it waits to be drawn."""

from __future__ import annotations

import pytest

from tests.test_browser_index import open_index

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def rect(page, selector: str) -> dict[str, float]:
    return page.eval_on_selector(selector, "el => el.getBoundingClientRect().toJSON()")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_first_screen_holds_the_search_box_and_a_desktop_the_first_models(browser, site_url, size):
    context = browser.new_context(**(DESKTOP if size == "desktop" else PHONE))
    try:
        tab = context.new_page()
        tab.goto(site_url)
        tab.wait_for_selector("#filters:not([hidden])")
        height = 900 if size == "desktop" else 844
        assert rect(tab, "#q")["bottom"] <= height
        if size == "desktop":
            assert rect(tab, "#models tbody tr:nth-child(2)")["bottom"] <= height  # two whole rows
    finally:
        context.close()


def test_the_header_row_stays_in_sight_as_the_table_scrolls(page, site_url):
    open_index(page, site_url)
    box = "#models >> xpath=.."
    page.eval_on_selector("#models", "t => t.parentElement.scrollIntoView()")
    page.eval_on_selector("#models", "t => { t.parentElement.scrollTop = 1500; }")
    page.wait_for_timeout(100)
    top = rect(page, box)["top"]
    assert rect(page, '#models thead th[data-sort="name"]')["top"] == pytest.approx(top, abs=2)
    assert rect(page, '#models thead th[data-sort="added"]')["top"] == pytest.approx(top, abs=2)
    assert rect(page, "#models tbody tr:first-child")["bottom"] < top  # the rows went by under it


def test_the_model_names_stay_in_sight_when_a_phone_scrolls_sideways(phone, site_url):
    open_index(phone, site_url)
    phone.eval_on_selector("#models", "t => t.parentElement.scrollIntoView()")
    phone.eval_on_selector("#models", "t => { t.parentElement.scrollLeft = 400; }")
    phone.wait_for_timeout(100)
    assert phone.eval_on_selector("#models", "t => t.parentElement.scrollLeft") > 300  # it did scroll
    left = rect(phone, "#models >> xpath=..")["left"]
    for selector in ("#models tbody tr:first-child th", '#models thead th[data-sort="name"]'):
        assert rect(phone, selector)["left"] == pytest.approx(left, abs=2)
    assert rect(phone, '#models thead th[data-sort="context"]')["left"] < left  # others went by
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_table_is_drawn_from_the_start_for_find_in_page_and_screen_readers(browser, site_url):
    context = browser.new_context(**PHONE)
    try:
        tab = context.new_page()
        tab.goto(site_url)
        tab.wait_for_selector("#filters:not([hidden])")  # the script has run
        last = "document.querySelector('#models tbody tr:last-child')"
        assert tab.evaluate(f"{last}.checkVisibility({{contentVisibilityAuto: true}})") is True
        assert tab.evaluate("[...document.querySelectorAll('#models, #models *')].every("
                            "el => getComputedStyle(el).contentVisibility === 'visible')")
    finally:
        context.close()
