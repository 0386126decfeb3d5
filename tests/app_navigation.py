"""The navigation app.py builds, asked of app.py itself: one AppTest run in which st.Page and st.navigation, both
public calls, are wrapped to note what app.py hands them and then called for real. Reading app.py's text instead would
miss pages built in a loop (the lessons) and would still pass with a page dropped from the list it builds."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"


@dataclass(frozen=True)
class NavigationPage:
    """One page of the menu as app.py registers it."""

    script: str  # the file app.py named, relative to the repository
    title: str
    url_path: str  # as app.py declares it (Page.url_path says "" for the default page, whose address is the root)
    icon: str
    default: bool  # the page a visit to the app's root opens


def app_navigation(timeout: float = 180) -> list[NavigationPage]:
    """The pages app.py passes to st.navigation in one run (of a new session), in the menu's order."""
    declared: dict[int, dict] = {}  # id of each st.Page app.py made (kept alive below) -> the arguments it gave
    navigations: list[list] = []
    make_page, navigation = st.Page, st.navigation

    def noting_page(page, *args, **kwargs):
        made = make_page(page, *args, **kwargs)
        declared[id(made)] = inspect.signature(make_page).bind(page, *args, **kwargs).arguments
        return made

    def noting_navigation(pages, *args, **kwargs):
        sections = pages.values() if isinstance(pages, dict) else [pages]
        navigations.append([page for section in sections for page in section])
        return navigation(pages, *args, **kwargs)

    with mock.patch.object(st, "Page", noting_page), mock.patch.object(st, "navigation", noting_navigation):
        at = AppTest.from_file(str(APP), default_timeout=timeout).run()
    assert not at.exception, f"app.py does not run: {at.exception}"
    assert len(navigations) == 1, f"app.py called st.navigation {len(navigations)} times in one run"
    pages = []
    for page in navigations[0]:
        arguments = declared.get(id(page), {})  # {} for a page object not made by st.Page in this run
        pages.append(NavigationPage(str(arguments.get("page", "<not made by st.Page in this run>")), page.title,
                                    arguments.get("url_path") or page.url_path, page.icon,
                                    bool(arguments.get("default", False))))
    return pages
