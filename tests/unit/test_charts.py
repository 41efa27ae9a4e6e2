"""Server-drawn SVG bar charts: an image with a text alternative, no inline style, escaped labels."""
import re
import xml.etree.ElementTree as ET

from consult.reports.charts import Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    return ET.fromstring(str(markup))


def test_a_chart_is_an_image_with_a_title_and_a_description_of_its_figures():
    svg = parse(bar_chart("chart-channel", "Participants by channel",
                          [Bar("Forum", 86), Bar("Interview", 3), Bar("Written submission", 35)]))
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert [title.get("id"), desc.get("id")] == labelled_by
    assert title.text == "Participants by channel"
    assert desc.text == "Forum: 86; Interview: 3; Written submission: 35"


def test_bars_are_proportional_and_carry_their_value():
    svg = parse(bar_chart("c", "T", [Bar("A", 10), Bar("B", 5), Bar("C", 0)]))
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1] > 0
    assert widths[2] == 0
    values = [text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "chart-value"]
    assert values == ["10", "5", "0"]


def test_percentages_use_the_maximum_given_and_the_text_shown():
    svg = parse(bar_chart("c", "Fill rate", [Bar("Forum 1", 50, "50 %"), Bar("Forum 2", 140, "140 %")], maximum=100))
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert widths[1] == 2 * widths[0]  # clamped at the maximum
    assert "Forum 1: 50 %" in svg.find(f"{SVG}desc").text


def test_no_inline_style_and_labels_are_escaped():
    markup = str(bar_chart("c", "<b>T</b>", [Bar('<script>alert("x")</script>', 3)]))
    assert "style=" not in markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    parse(markup)  # still well-formed


def test_long_labels_are_shortened_in_the_drawing_but_whole_in_the_description():
    label = "Orientation 1.1 Ensure that all Quebecers have access to comprehensive care"
    svg = parse(bar_chart("c", "T", [Bar(label, 1)]))
    drawn = next(text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "chart-label")
    assert drawn.endswith("…") and len(drawn) < len(label)
    assert label in svg.find(f"{SVG}desc").text


def test_nothing_to_draw_gives_no_chart():
    assert str(bar_chart("c", "T", [])) == ""
    assert str(bar_chart("c", "T", [Bar("A", 0)])) == ""


def test_the_height_grows_with_the_number_of_bars():
    one = parse(bar_chart("c", "T", [Bar("A", 1)]))
    three = parse(bar_chart("c", "T", [Bar("A", 1), Bar("B", 2), Bar("C", 3)]))
    assert int(three.get("height")) > int(one.get("height"))
    assert re.fullmatch(r"0 0 \d+ \d+", three.get("viewBox"))
