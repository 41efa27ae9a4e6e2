from consult.web import text_blocks


def test_blank_lines_separate_paragraphs_and_lines_join():
    assert text_blocks("One\nline\n\nTwo") == [("p", "One line"), ("p", "Two")]


def test_dash_lines_become_a_list_between_prose():
    text = "The policy pursues:\n– access\n- continuity\nThat is all."
    assert text_blocks(text) == [("p", "The policy pursues:"), ("ul", ["access", "continuity"]), ("p", "That is all.")]


def test_empty_text_has_no_blocks():
    assert text_blocks("") == [] and text_blocks("\n\n  \n") == []
