"""The interactive figures: set their controls as a person would (typing, arrow keys) and check
that every number they show equals what xentdoc computes for the same settings."""

import math

import numpy as np
import pytest

import xentdoc

# The figures show six significant digits.
SHOWN = dict(rel=5e-6, abs=0)  # relative only: tiny losses must be shown right too

SOFTMAX_PAGE = "softmax/"
BCE_PAGE = "binary-cross-entropy/"


@pytest.fixture
def tab(open_tab):
    tab = open_tab()
    yield tab
    assert not tab.take_errors()
    assert not tab.external


def _numbers(widget, key):
    return [float(text) for text in widget.locator(f'[data-xd="{key}"]').all_text_contents()]


def _softmax_widget(tab):
    tab.goto(SOFTMAX_PAGE)
    widget = tab.page.locator('[data-xd-widget="softmax-temperature"]')
    widget.scroll_into_view_if_needed()
    return widget


def _check_softmax(widget, logits, temperature):
    x = np.array(logits, dtype=float)
    assert _numbers(widget, "probability") == pytest.approx(xentdoc.softmax(x, temperature=temperature).tolist(), **SHOWN)
    assert _numbers(widget, "log-probability") == pytest.approx(
        xentdoc.log_softmax(x, temperature=temperature).tolist(), **SHOWN)
    assert _numbers(widget, "logsumexp") == pytest.approx([float(xentdoc.logsumexp(x / temperature))], **SHOWN)


def test_softmax_figure_starts_from_its_defaults(tab):
    widget = _softmax_widget(tab)
    logits = [float(v) for v in widget.get_attribute("data-logits").split(",")]
    _check_softmax(widget, logits, float(widget.get_attribute("data-temperature")))


def test_softmax_figure_follows_typed_logits_and_temperature(tab):
    widget = _softmax_widget(tab)
    logits = [3.0, -1.5, 0.25, 7.0]
    for i, value in enumerate(logits):
        widget.get_by_label(f"Logit of class {i}").fill(str(value))
    widget.get_by_label("Temperature T (exact value)").fill("0.35")
    _check_softmax(widget, logits, 0.35)
    # Large logits and a small temperature: computed without overflow, as xentdoc does.
    widget.get_by_label("Logit of class 0").fill("900")
    widget.get_by_label("Temperature T (exact value)").fill("0.05")
    _check_softmax(widget, [900.0, -1.5, 0.25, 7.0], 0.05)


def test_softmax_temperature_slider_works_with_the_keyboard(tab):
    widget = _softmax_widget(tab)
    logits = [float(v) for v in widget.get_attribute("data-logits").split(",")]
    slider = widget.get_by_role("slider", name="Temperature T")
    slider.focus()
    for _ in range(4):
        tab.page.keyboard.press("ArrowRight")
    expected_t = round(float(widget.get_attribute("data-temperature")) + 4 * 0.05, 10)
    assert float(slider.input_value()) == pytest.approx(expected_t)
    assert float(widget.get_by_label("Temperature T (exact value)").input_value()) == pytest.approx(expected_t)
    _check_softmax(widget, logits, expected_t)
    tab.page.keyboard.press("Home")
    _check_softmax(widget, logits, float(slider.input_value()))


def test_softmax_figure_refuses_a_bad_temperature(tab):
    widget = _softmax_widget(tab)
    before = _numbers(widget, "probability")
    box = widget.get_by_label("Temperature T (exact value)")
    box.fill("0")
    assert box.get_attribute("aria-invalid") == "true"
    assert "temperature" in widget.get_by_role("alert").inner_text()
    assert _numbers(widget, "probability") == before


def test_softmax_numbers_are_announced(tab):
    widget = _softmax_widget(tab)
    assert widget.locator('tbody[aria-live="polite"]').count() == 1
    assert widget.get_by_role("img").get_attribute("role") == "img"
    assert "probabilities" in widget.locator("svg title").text_content()


def _bce_widget(tab):
    tab.goto(BCE_PAGE)
    widget = tab.page.locator('[data-xd-widget="sigmoid-bce"]')
    widget.scroll_into_view_if_needed()
    return widget


def _check_bce(widget, z, y):
    p = float(xentdoc.sigmoid(z))
    loss = float(xentdoc.binary_cross_entropy_with_logits(np.float64(z), np.float64(y)))
    # sigma(z) - y without cancellation: (1 - y) sigma(z) - y sigma(-z).
    gradient = (1 - y) * p - y * float(xentdoc.sigmoid(-z))
    assert _numbers(widget, "probability") == pytest.approx([p], **SHOWN)
    assert _numbers(widget, "loss") == pytest.approx([loss], **SHOWN)
    assert _numbers(widget, "gradient") == pytest.approx([gradient], **SHOWN)


def test_bce_figure_starts_from_its_defaults(tab):
    widget = _bce_widget(tab)
    _check_bce(widget, float(widget.get_attribute("data-logit")), float(widget.get_attribute("data-label")))


@pytest.mark.parametrize("z, y", [(2.5, 1.0), (-3.0, 1.0), (40.0, 0.0), (-50.0, 0.0), (50.0, 1.0), (500.0, 0.0), (0.7, 0.3)])
def test_bce_figure_follows_typed_logit_and_label(tab, z, y):
    widget = _bce_widget(tab)
    widget.get_by_label("Logit z (exact value)").fill(str(z))
    widget.get_by_label("Label y").fill(str(y))
    _check_bce(widget, z, y)


def test_bce_logit_slider_works_with_the_keyboard(tab):
    widget = _bce_widget(tab)
    y = float(widget.get_attribute("data-label"))
    slider = widget.get_by_role("slider", name="Logit z")
    slider.focus()
    for _ in range(3):
        tab.page.keyboard.press("ArrowLeft")
    z = float(slider.input_value())
    assert z == pytest.approx(float(widget.get_attribute("data-logit")) - 0.3)
    assert float(widget.get_by_label("Logit z (exact value)").input_value()) == pytest.approx(z)
    _check_bce(widget, z, y)
    tab.page.keyboard.press("End")
    _check_bce(widget, float(slider.input_value()), y)
    assert math.isclose(float(slider.input_value()), 10.0)


def test_bce_figure_refuses_a_label_outside_0_1(tab):
    widget = _bce_widget(tab)
    before = _numbers(widget, "loss")
    widget.get_by_label("Label y").fill("2")
    assert widget.get_by_label("Label y").get_attribute("aria-invalid") == "true"
    assert "label" in widget.get_by_role("alert").inner_text()
    assert _numbers(widget, "loss") == before


def test_interactive_scripts_are_shipped_with_the_site(built_site):
    for name in ("softmax-temperature.js", "sigmoid-bce.js"):
        script = (built_site / "javascripts" / "interactive" / name).read_text(encoding="utf-8")
        assert "http" not in script.replace("http://www.w3.org/2000/svg", "")
        assert "import " not in script and "require(" not in script
